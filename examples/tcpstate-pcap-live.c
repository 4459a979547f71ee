/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Live capture for --workers N on Linux: one AF_PACKET socket per worker, all
 * in one PACKET_FANOUT group. libpcap cannot join a fanout group, so these
 * sockets are opened here; libpcap only compiles the BPF filter.
 *
 * PACKET_FANOUT_HASH makes the kernel pick a socket by the packet's flow
 * hash, which on Linux is symmetric (skb_get_hash: the flow dissector orders
 * the two endpoints before hashing), so both directions of a connection
 * reach the same worker and so the same engine. PACKET_FANOUT_FLAG_DEFRAG
 * has the kernel reassemble IP fragments before hashing, so that a
 * connection's fragments follow it too.
 */
#include <string.h>

#include "tcpstate-pcap.h"

#if defined(__linux__)
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_FANOUT_FLAG_DEFRAG
#define PACKET_FANOUT_FLAG_DEFRAG 0x8000
#endif

int fanout_open(const char *iface, uint16_t group, const char *filter, uint32_t *linktype,
                char *err, size_t errlen)
{
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) {
        snprintf(err, errlen, "AF_PACKET socket: %s", strerror(errno));
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
    if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0) {
        snprintf(err, errlen, "%s: %s", iface, strerror(errno));
        close(fd);
        return -1;
    }
    int ifindex = ifr.ifr_ifindex;
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0 ||
        (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER && ifr.ifr_hwaddr.sa_family != ARPHRD_LOOPBACK)) {
        snprintf(err, errlen, "%s: only Ethernet-like interfaces with --workers > 1", iface);
        close(fd);
        return -1;
    }
    *linktype = TCPSTATE_LINKTYPE_ETHERNET;
    if (filter != NULL) {
        /* Compiled by libpcap, attached as a classic socket filter (the
         * instruction layouts are the same). */
        pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
        struct bpf_program prog;
        if (dead == NULL || pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            snprintf(err, errlen, "bad filter '%s': %s", filter,
                     dead != NULL ? pcap_geterr(dead) : "pcap_open_dead failed");
            close(fd);
            return -1;
        }
        struct sock_fprog fp = {(unsigned short)prog.bf_len, (struct sock_filter *)prog.bf_insns};
        int rc = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp);
        pcap_freecode(&prog);
        pcap_close(dead);
        if (rc != 0) {
            snprintf(err, errlen, "cannot set the filter: %s", strerror(errno));
            close(fd);
            return -1;
        }
    }
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    struct packet_mreq mr;
    memset(&mr, 0, sizeof mr);
    mr.mr_ifindex = ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    int on = 1;
    /* Group id in the low 16 bits, mode and flags above; the kernel reads
     * the 32 bits as an int. */
    uint32_t fanout = group | (uint32_t)(PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16;
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof fanout) != 0) {
        snprintf(err, errlen, "%s: cannot capture: %s", iface, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int fanout_read(int fd, uint8_t *buf, size_t cap, uint32_t *caplen, uint32_t *wirelen,
                uint64_t *ts)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    int r = poll(&pfd, 1, 100); /* wake up to see a stop request */
    if (r <= 0) {
        return r < 0 && errno != EINTR ? -1 : 0;
    }
    union {
        struct cmsghdr h;
        char space[CMSG_SPACE(sizeof(struct timespec))];
    } ctl;
    struct iovec iov = {buf, cap};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = &ctl;
    msg.msg_controllen = sizeof ctl;
    ssize_t n = recvmsg(fd, &msg, MSG_TRUNC); /* returns the length on the wire */
    if (n < 0) {
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    }
    *wirelen = (uint32_t)n;
    *caplen = (size_t)n < cap ? (uint32_t)n : (uint32_t)cap;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t); /* if the kernel gave no stamp */
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            memcpy(&t, CMSG_DATA(c), sizeof t);
        }
    }
    *ts = (uint64_t)t.tv_sec * UINT64_C(1000000000) + (uint64_t)t.tv_nsec;
    return 1;
}

#else /* not Linux */

int fanout_open(const char *iface, uint16_t group, const char *filter, uint32_t *linktype,
                char *err, size_t errlen)
{
    (void)iface, (void)group, (void)filter, (void)linktype;
    snprintf(err, errlen, "live capture with --workers > 1 needs Linux (AF_PACKET fanout)");
    return -1;
}

int fanout_read(int fd, uint8_t *buf, size_t cap, uint32_t *caplen, uint32_t *wirelen,
                uint64_t *ts)
{
    (void)fd, (void)buf, (void)cap, (void)caplen, (void)wirelen, (void)ts;
    return -1;
}

#endif
