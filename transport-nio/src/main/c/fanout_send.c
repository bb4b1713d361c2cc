/*
 * send(2) for the I/O agents' writes from the shared frame logs: the same TCP work as NIO's write(2), without the
 * VFS layer in front of it and without NIO's per-call locking. Non-blocking, no SIGPIPE.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <jni.h>

JNIEXPORT jint JNICALL Java_io_ssefanout_transport_NativeSend_send0(
    JNIEnv *env, jclass clazz, jint fd, jlong address, jint length)
{
    (void)env;
    (void)clazz;
    for (;;)
    {
        const ssize_t sent = send(fd, (const void *)(intptr_t)address, (size_t)length, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent >= 0)
        {
            return (jint)sent;
        }
        if (EINTR == errno)
        {
            continue;
        }
        if (EAGAIN == errno || EWOULDBLOCK == errno)
        {
            return 0;
        }
        return -errno;
    }
}
