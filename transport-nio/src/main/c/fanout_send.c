/*
 * send(2) and sendmsg(2) for the I/O agents' writes from the shared frame logs: the same TCP work as NIO's write(2)
 * and writev(2), without the VFS layer in front of it and without NIO's per-call locking. Non-blocking, no SIGPIPE.
 * sendmsg takes an iovec array the caller fills in off-heap memory: frames from several logs in one syscall.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <jni.h>

static jint result_of(const ssize_t sent)
{
    if (sent >= 0)
    {
        return (jint)sent;
    }
    if (EAGAIN == errno || EWOULDBLOCK == errno)
    {
        return 0;
    }
    return -errno;
}

JNIEXPORT jint JNICALL Java_io_ssefanout_transport_NativeSend_send0(
    JNIEnv *env, jclass clazz, jint fd, jlong address, jint length)
{
    (void)env;
    (void)clazz;
    ssize_t sent;
    do
    {
        sent = send(fd, (const void *)(intptr_t)address, (size_t)length, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    while (sent < 0 && EINTR == errno);
    return result_of(sent);
}

JNIEXPORT jint JNICALL Java_io_ssefanout_transport_NativeSend_sendGathered0(
    JNIEnv *env, jclass clazz, jint fd, jlong iovecsAddress, jint count)
{
    (void)env;
    (void)clazz;
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = (struct iovec *)(intptr_t)iovecsAddress;
    message.msg_iovlen = (size_t)count;
    ssize_t sent;
    do
    {
        sent = sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    while (sent < 0 && EINTR == errno);
    return result_of(sent);
}

JNIEXPORT jint JNICALL Java_io_ssefanout_transport_NativeSend_notSentLowWatermark0(
    JNIEnv *env, jclass clazz, jint fd, jint bytes)
{
    (void)env;
    (void)clazz;
    const int value = bytes;
    return 0 == setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &value, sizeof(value)) ? 0 : -errno;
}
