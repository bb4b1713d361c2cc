package io.ssefanout.tools;

import java.net.URI;
import java.util.Locale;

/**
 * Settings of {@code fanout loadgen}, parsed from {@code --name value} flags.
 */
final class LoadGenSettings
{
    String subUrl = "http://127.0.0.1:8080/sse/{topic}";
    String pubUrl = "http://127.0.0.1:8080/publish/{topic}";
    String topicPrefix = "bench";
    int topicCount = 1;
    int minTopicsPerConnection = 1;
    int maxTopicsPerConnection = 1;
    double zipfExponent = 0;
    long seed = 1;
    int connections = 100;
    int ratePerSecond = 100;
    int durationSeconds = 20;
    int warmupSeconds = 5;
    int size = 128;
    int ioThreads = 1;
    int pubConnections = 2;
    int pubBatch = 1;
    int sourceAddresses = 0;
    int maxPendingConnects = 256;
    long serverPid = -1;
    String jsonOut;
    String hgrmOut;
    String serverMetricsUrl;
    String label = "";
    double slowFraction = 0;
    int slowBytesPerSecond = 10 * 1024;
    int drainIdleSeconds = 3;
    int drainMaxSeconds = 10;
    boolean isQuiet;

    static LoadGenSettings parse(final String[] args)
    {
        final LoadGenSettings settings = new LoadGenSettings();
        for (int i = 0; i < args.length; i++)
        {
            final String flag = args[i];
            if ("--quiet".equals(flag))
            {
                settings.isQuiet = true;
                continue;
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            final String value = args[++i];
            switch (flag)
            {
                case "--sub-url": settings.subUrl = value; break;
                case "--pub-url": settings.pubUrl = value; break;
                case "--topic": settings.topicPrefix = value; break;
                case "--topics": settings.topicCount = Flags.intValue(flag, value); break;
                case "--topics-per-conn":
                    final String[] range = value.split("-");
                    settings.minTopicsPerConnection = Flags.intValue(flag, range[0]);
                    settings.maxTopicsPerConnection = Flags.intValue(flag, range[range.length - 1]);
                    break;
                case "--zipf": settings.zipfExponent = Flags.doubleValue(flag, value); break;
                case "--seed": settings.seed = Flags.longValue(flag, value); break;
                case "--conns": settings.connections = Flags.intValue(flag, value); break;
                case "--rate": settings.ratePerSecond = Flags.intValue(flag, value); break;
                case "--duration": settings.durationSeconds = Flags.intValue(flag, value); break;
                case "--warmup": settings.warmupSeconds = Flags.intValue(flag, value); break;
                case "--size": settings.size = Flags.intValue(flag, value); break;
                case "--io-threads": settings.ioThreads = Flags.intValue(flag, value); break;
                case "--pub-conns": settings.pubConnections = Flags.intValue(flag, value); break;
                case "--pub-batch": settings.pubBatch = Flags.intValue(flag, value); break;
                case "--source-addresses": settings.sourceAddresses = Flags.intValue(flag, value); break;
                case "--max-pending-connects": settings.maxPendingConnects = Flags.intValue(flag, value); break;
                case "--server-pid": settings.serverPid = Flags.longValue(flag, value); break;
                case "--slow-fraction": settings.slowFraction = Flags.doubleValue(flag, value); break;
                case "--slow-rate": settings.slowBytesPerSecond = Flags.intValue(flag, value); break;
                case "--json-out": settings.jsonOut = value; break;
                case "--hgrm": settings.hgrmOut = value; break;
                case "--server-metrics": settings.serverMetricsUrl = value; break;
                case "--label": settings.label = value; break;
                case "--drain-idle": settings.drainIdleSeconds = Flags.intValue(flag, value); break;
                case "--drain-max": settings.drainMaxSeconds = Flags.intValue(flag, value); break;
                default: throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (settings.pubBatch < 1)
        {
            throw new IllegalArgumentException("--pub-batch must be at least 1");
        }
        if (settings.slowFraction < 0 || settings.slowFraction > 1 || settings.slowBytesPerSecond < 1)
        {
            throw new IllegalArgumentException("--slow-fraction must be 0 to 1 and --slow-rate at least 1");
        }
        if (!(settings.zipfExponent >= 0) || Double.isInfinite(settings.zipfExponent))
        {
            throw new IllegalArgumentException("--zipf must be 0 or more");
        }
        if (settings.size < 64)
        {
            throw new IllegalArgumentException("--size must be at least 64 bytes (the stamp takes that much)");
        }
        if (settings.minTopicsPerConnection < 1 || settings.maxTopicsPerConnection > settings.topicCount ||
            settings.minTopicsPerConnection > settings.maxTopicsPerConnection)
        {
            throw new IllegalArgumentException("--topics-per-conn must lie within 1..--topics");
        }
        if (0 == settings.sourceAddresses)
        {
            // about 28,000 ephemeral ports per source address; stay well below
            settings.sourceAddresses = 1 + settings.connections / 20_000;
        }
        return settings;
    }

    String topicName(final int topic)
    {
        return 1 == topicCount ? topicPrefix : topicPrefix + topic;
    }

    URI subscribeUri(final String[] topics)
    {
        if (subUrl.contains("{topics}"))
        {
            return URI.create(subUrl.replace("{topics}", String.join(",", topics)));
        }
        if (1 == topics.length)
        {
            return URI.create(subUrl.replace("{topic}", topics[0]));
        }
        final StringBuilder query = new StringBuilder();
        for (final String topic : topics)
        {
            query.append(query.length() == 0 ? "" : "&").append("topic=").append(topic);
        }
        final String base = subUrl.replace("/{topic}", "").replace("{topic}", "");
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }

    URI batchPublishUri()
    {
        final URI any = publishUri(0);
        return URI.create(any.getScheme() + "://" + any.getRawAuthority() + "/publish");
    }

    URI publishUri(final int topic)
    {
        return URI.create(pubUrl.replace("{topic}", topicName(topic)));
    }

    static String usage()
    {
        return String.join(String.format(Locale.ROOT, "%n"),
            "usage: fanout loadgen [flags]",
            "  --sub-url T            subscribe URL template, {topic} replaced (several topics: ?topic=a&topic=b on T without",
            "                         /{topic}, or {topics} replaced by a,b,c as in /sse?topics={topics})",
            "  --pub-url T            publish URL template (POST, body = event data)",
            "  --topic NAME           topic name, or prefix when --topics > 1 (default bench)",
            "  --topics N             topics (default 1); --topics-per-conn A-B: each connection takes A..B of them",
            "  --zipf S               events drawn over the topics by a Zipf law of exponent S (default 0: in turn);",
            "                         --seed N fixes the draw (default 1), so every server gets the same sequence",
            "  --conns N              subscriber connections (default 100)",
            "  --rate R               events per second over all topics (default 100)",
            "  --duration S --warmup S  measured and warm-up seconds of publishing (default 20, 5)",
            "  --size B               event data bytes (default 128, at least 64)",
            "  --io-threads T         subscriber selector threads (default 1)",
            "  --pub-conns P          publisher keep-alive connections, one request in flight each (default 2)",
            "  --pub-batch N          N events per request as NDJSON to POST /publish on the --pub-url host, sent when",
            "                         the last of them is due (SSE Fanout's batch publish; default 1: one per request)",
            "  --source-addresses K   spread subscribers over 127.0.0.1..127.0.0.K (default 1 per 20,000)",
            "  --slow-fraction F      that fraction of the connections read slowly (every 1/F-th; default 0), with an",
            "                         8 KB receive buffer; their losses and staleness are reported apart",
            "  --slow-rate B          bytes per second a slow connection reads (default 10240)",
            "  --server-pid PID       sample the server's CPU (utime+stime) and peak RSS from /proc",
            "  --server-metrics URL   count the server's socket writes from its fanout_socket_writes_total (a server",
            "                         writing with send(2) is not counted by /proc/PID/io)",
            "  --json-out FILE --label TEXT   append the result JSON line to FILE",
            "  --hgrm FILE            write the measured window's latency distribution to FILE in HdrHistogram's",
            "                         percentile format (values in microseconds; bench/plot.py draws it)",
            "  --quiet                no progress lines on stderr");
    }
}
