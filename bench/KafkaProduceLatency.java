import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Arrays;
import java.util.Properties;

/**
 * Kafka's own produce round trip on this box, the floor under a publish through a cluster node: 200 sequential
 * sends of a small record, each waited for, with the node's producer settings (linger 0) and acks/idempotence given.
 *
 *   cp=$(cd cluster-kafka && mvn -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
 *   java -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn bench/KafkaProduceLatency.java 127.0.0.1:9092 all true
 */
public class KafkaProduceLatency
{
    public static void main(final String[] args) throws Exception
    {
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", args[0]);
        properties.put("acks", args[1]);
        properties.put("enable.idempotence", args[2]);
        properties.put("linger.ms", "0");
        properties.put("key.serializer", StringSerializer.class.getName());
        properties.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties))
        {
            final long[] micros = new long[200];
            for (int i = 0; i < micros.length; i++)
            {
                final long startNs = System.nanoTime();
                producer.send(new ProducerRecord<>("produce-latency", 0, "k", "v" + i)).get();
                micros[i] = (System.nanoTime() - startNs) / 1000;
            }
            Arrays.sort(micros);
            System.out.println("acks=" + args[1] + " idempotence=" + args[2] + ": p50 " + micros[100] + " us, p90 " +
                micros[180] + " us, p99 " + micros[198] + " us");
        }
    }
}
