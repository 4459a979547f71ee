/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file tcpstate.h
 * @brief Passive TCP connection-state reconstruction from raw captured frames.
 *
 * tcpstate turns link-layer frames (as a capture library hands them over)
 * into TCP connection state: it decodes each frame, finds the connection in a
 * fixed-size flow table and runs the RFC 793 / RFC 9293 state machine for
 * @e both endpoints, calling the application back on SYN, SYN-ACK, ACK, FIN
 * and RST transitions, on every endpoint state change and when a flow ends.
 *
 * The library does no I/O, reads no clock, keeps no global state and never
 * allocates: all memory is supplied by the caller (see tcpstate_footprint()),
 * and time is whatever timestamp the caller passes with each frame. Engines
 * are independent; one engine must not be used by two threads at once.
 *
 * This header is the whole public API. It includes only <stddef.h> and
 * <stdint.h> and compiles as C11 and as C++.
 */
#ifndef TCPSTATE_H
#define TCPSTATE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Export macro. Define TCPSTATE_STATIC when linking the static library on
 * Windows; the build defines TCPSTATE_BUILDING. Everything not tagged is
 * hidden (the build uses -fvisibility=hidden). */
#if defined(TCPSTATE_DOXYGEN)
/** Marks the public functions: exported from the shared library, the rest hidden. */
#define TCPSTATE_API
#elif defined(_WIN32) && !defined(TCPSTATE_STATIC)
#if defined(TCPSTATE_BUILDING)
#define TCPSTATE_API __declspec(dllexport)
#else
#define TCPSTATE_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define TCPSTATE_API __attribute__((visibility("default")))
#else
#define TCPSTATE_API
#endif

/* Compiler annotations for functions that return a status or take pointers
 * that must not be NULL. They only help diagnostics; every function still
 * checks its arguments. */
#if defined(TCPSTATE_DOXYGEN)
/** Asks the compiler to warn when a returned status is ignored. */
#define TCPSTATE_WARN_UNUSED
#elif defined(__GNUC__) && !defined(TCPSTATE_BUILDING)
#define TCPSTATE_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define TCPSTATE_WARN_UNUSED
#endif

/**
 * @defgroup version Version
 * @brief Compile-time and run-time version numbers.
 *
 * ABI policy: releases with the same MAJOR number are binary compatible.
 * A MINOR release may add functions, append fields to the end of the
 * transparent structs and append enum values; it never reorders, resizes or
 * removes anything. PATCH releases change no interface. The shared library's
 * SONAME carries the MAJOR number. A program can compare
 * TCPSTATE_VERSION_NUMBER (the header it was built with) against
 * tcpstate_version() (the library it loaded).
 * @{
 */
#define TCPSTATE_VERSION_MAJOR 0 /**< Incompatible ABI changes. */
#define TCPSTATE_VERSION_MINOR 1 /**< Compatible additions. */
#define TCPSTATE_VERSION_PATCH 0 /**< Fixes only. */
/** The version as one number, (MAJOR << 16) | (MINOR << 8) | PATCH. */
#define TCPSTATE_VERSION_NUMBER                                                                    \
    ((TCPSTATE_VERSION_MAJOR << 16) | (TCPSTATE_VERSION_MINOR << 8) | TCPSTATE_VERSION_PATCH)
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define TCPSTATE_VERSION_STRING "0.1.0"
/** @} */

/**
 * @defgroup errors Status codes
 * @brief One enum for every outcome; tcpstate_strerror() describes each.
 *
 * Zero is success. Positive values are informational: the frame was fine but
 * carries nothing to track. Negative values are errors: malformed or
 * truncated input, exhausted resources, or misuse of the API. Bad input is
 * always a status, never a crash, an assertion or a read outside the bytes
 * the caller handed over. Values are append-only and never renumbered.
 * @{
 */

/** Every outcome of a library call. */
typedef enum tcpstate_status {
    TCPSTATE_OK = 0,             /**< Frame decoded (and tracked, for tcpstate_feed()). */
    TCPSTATE_SKIP_NOT_IP = 1,    /**< Link payload is not IPv4 or IPv6 (ARP, LLDP, ...). */
    TCPSTATE_SKIP_NOT_TCP = 2,   /**< IP payload is not TCP (UDP, ICMP, ESP, ...). */
    TCPSTATE_SKIP_FRAGMENT = 3,  /**< A non-first IP fragment, or a first fragment too short
                                      to hold the whole TCP header: nothing trackable. From
                                      tcpstate_feed() with reassembly on: any fragment held
                                      (or dropped, and counted) until its datagram is whole. */
    TCPSTATE_SKIP_MIDSTREAM = 4, /**< No flow exists for this segment and it is not a SYN,
                                      while TCPSTATE_F_PICKUP_MIDSTREAM is off. */
    TCPSTATE_E_INVAL = -1,       /**< NULL pointer or inconsistent argument. */
    TCPSTATE_E_LINKTYPE = -2,    /**< The pcap link type is not one tcpstate decodes. */
    TCPSTATE_E_TRUNCATED = -3,   /**< A header needed for tracking lies beyond caplen
                                      (the capture's snap length cut it); the frame on the
                                      wire was long enough. */
    TCPSTATE_E_BAD_LINK = -4,    /**< Link-layer header shorter than its fixed size. */
    TCPSTATE_E_VLAN_DEPTH = -5,  /**< More stacked VLAN tags than TCPSTATE_MAX_VLAN, or more
                                      than two FabricPath / 802.1ah / VN-Tag headers. */
    TCPSTATE_E_MPLS_DEPTH = -6,  /**< More MPLS labels than TCPSTATE_MAX_MPLS. */
    TCPSTATE_E_BAD_PPPOE = -7,   /**< PPPoE session header invalid (version, type, code
                                      or length). */
    TCPSTATE_E_BAD_IP_VERSION = -8, /**< IP version field disagrees with the link layer. */
    TCPSTATE_E_BAD_IPV4_IHL = -9,   /**< IPv4 header length below 20 bytes or beyond the
                                         packet's total length. */
    TCPSTATE_E_BAD_IP_LENGTH = -10, /**< IP total/payload length smaller than the headers or
                                         larger than the frame on the wire. */
    TCPSTATE_E_BAD_IPV4_CHECKSUM = -11, /**< IPv4 header checksum wrong (only with
                                             TCPSTATE_F_VERIFY_CHECKSUMS). */
    TCPSTATE_E_BAD_IPV6_EXT = -12,   /**< An IPv6 extension header overruns the packet or is
                                          malformed (including a bad jumbo payload option). */
    TCPSTATE_E_IPV6_EXT_CHAIN = -13, /**< More IPv6 extension headers than
                                          TCPSTATE_MAX_IPV6_EXT. */
    TCPSTATE_E_BAD_TCP_HEADER = -14, /**< IP payload shorter than the 20-byte TCP header. */
    TCPSTATE_E_BAD_TCP_OFFSET = -15, /**< TCP data offset below 5 words or beyond the
                                          segment. */
    TCPSTATE_E_BAD_TCP_OPTION = -16, /**< No longer returned: a TCP option with length below
                                          2 or running past the TCP header now sets
                                          TCPSTATE_PKT_BAD_OPTIONS and the segment decodes.
                                          Kept so values stay stable. */
    TCPSTATE_E_BAD_TCP_CHECKSUM = -17, /**< TCP checksum wrong (only with
                                            TCPSTATE_F_VERIFY_CHECKSUMS). */
    TCPSTATE_E_NOMEM = -18,      /**< The buffer given to tcpstate_init() is too small. */
    TCPSTATE_E_TABLE_FULL = -19, /**< No flow slot free and the eviction policy refused to
                                      free one; the frame was not tracked. */
    TCPSTATE_E_CALLBACK = -20,   /**< A callback returned TCPSTATE_CB_STOP. */
    TCPSTATE_E_REENTRANT = -21,  /**< The engine was called from one of its own callbacks. */
    TCPSTATE_E_DISABLED = -22,   /**< The feature needs a config flag that is off. */
    TCPSTATE_E_TUNNEL_DEPTH = -23 /**< More nested tunnels than TCPSTATE_MAX_TUNNEL (issue 8,
                                       decoder). */
    /* Append only; never renumber. */
} tcpstate_status;

/** Smallest status value; every status lies in [TCPSTATE_STATUS_MIN, TCPSTATE_STATUS_MAX]. */
#define TCPSTATE_STATUS_MIN (-23)
/** Largest status value. Both bounds move as values are appended. */
#define TCPSTATE_STATUS_MAX 4
/** Slots of tcpstate_stats::frames_by_status; fixed forever (room for growth). */
#define TCPSTATE_STATUS_SLOTS 64

/**
 * @brief Whether a status is an error.
 * @param[in] s A status.
 * @return 1 if @p s is negative (an error), 0 otherwise.
 */
static inline int tcpstate_is_error(tcpstate_status s) { return s < 0; }

/**
 * @brief Index of a status in tcpstate_stats::frames_by_status.
 * @param[in] s A status.
 * @return s + 32; valid for every status the library defines.
 */
static inline unsigned tcpstate_status_index(tcpstate_status s) { return (unsigned)((int)s + 32); }
/** @} */

/**
 * @defgroup decode Frame decoding
 * @brief Link types, the parsed packet view and tcpstate_decode().
 * @{
 */

/** pcap LINKTYPE_ values the decoder understands; pcap_datalink() passes straight in. */
typedef enum tcpstate_linktype {
    TCPSTATE_LINKTYPE_NULL = 0,         /**< BSD loopback, host-order 4-byte family. */
    TCPSTATE_LINKTYPE_ETHERNET = 1,     /**< Ethernet II and 802.3 with LLC/SNAP. */
    TCPSTATE_LINKTYPE_DLT_RAW = 12,     /**< DLT_RAW: what pcap_datalink() reports for raw IP
                                             on most systems; decoded as RAW. */
    TCPSTATE_LINKTYPE_RAW = 101,        /**< Raw IPv4 or IPv6, version from the first nibble. */
    TCPSTATE_LINKTYPE_LOOP = 108,       /**< OpenBSD loopback, network-order family. */
    TCPSTATE_LINKTYPE_LINUX_SLL = 113,  /**< Linux cooked capture v1 (16-byte header). */
    TCPSTATE_LINKTYPE_IPV4 = 228,       /**< Raw IPv4. */
    TCPSTATE_LINKTYPE_IPV6 = 229,       /**< Raw IPv6. */
    TCPSTATE_LINKTYPE_LINUX_SLL2 = 276, /**< Linux cooked capture v2 (20-byte header). */
    /* ---- issue 8 (decoder): link types appended ---- */
    TCPSTATE_LINKTYPE_ARCNET_BSD = 7,    /**< ARCNET (BSD header: RFC 1051 / RFC 1201). */
    TCPSTATE_LINKTYPE_PPP = 9,           /**< PPP (RFC 1661), address/control optional. */
    TCPSTATE_LINKTYPE_FDDI = 10,         /**< FDDI with 802.2 LLC/SNAP. */
    TCPSTATE_LINKTYPE_PPP_HDLC = 50,     /**< PPP in HDLC-like framing (RFC 1662), or Cisco
                                              HDLC framing. */
    TCPSTATE_LINKTYPE_C_HDLC = 104,      /**< Cisco HDLC: address, control, ethertype. */
    TCPSTATE_LINKTYPE_IEEE802_11 = 105,  /**< IEEE 802.11 data frames with LLC/SNAP. */
    TCPSTATE_LINKTYPE_IEEE802_11_RADIOTAP = 127, /**< 802.11 behind a radiotap header. */
    TCPSTATE_LINKTYPE_ARCNET_LINUX = 129, /**< ARCNET (Linux header). */
    TCPSTATE_LINKTYPE_JUNIPER_ETHER = 178, /**< Juniper "MGC" header, then Ethernet. */
    TCPSTATE_LINKTYPE_PPP_WITH_DIR = 204, /**< A direction byte, then PPP. */
    TCPSTATE_LINKTYPE_IPOIB = 242        /**< IP over InfiniBand (RFC 4391), 44-byte header. */
} tcpstate_linktype;

#define TCPSTATE_MAX_VLAN 4     /**< Deepest VLAN tag stack decoded (deeper: an error). */
#define TCPSTATE_MAX_MPLS 8     /**< Deepest MPLS label stack decoded (deeper: an error). */
#define TCPSTATE_MAX_IPV6_EXT 8 /**< Longest IPv6 extension-header chain decoded. */
#define TCPSTATE_MAX_SACK 4     /**< Most SACK blocks one option can carry. */

/** TCP header flags as in tcpstate_packet::tcp_flags. */
#define TCPSTATE_TH_FIN 0x001u /**< FIN. */
#define TCPSTATE_TH_SYN 0x002u /**< SYN. */
#define TCPSTATE_TH_RST 0x004u /**< RST. */
#define TCPSTATE_TH_PSH 0x008u /**< PSH. */
#define TCPSTATE_TH_ACK 0x010u /**< ACK. */
#define TCPSTATE_TH_URG 0x020u /**< URG. */
#define TCPSTATE_TH_ECE 0x040u /**< ECN-Echo. */
#define TCPSTATE_TH_CWR 0x080u /**< Congestion Window Reduced. */
#define TCPSTATE_TH_AE 0x100u  /**< Accurate ECN (formerly NS), RFC 9768. */

/** TCP options found, as bits of tcpstate_packet::opts. */
#define TCPSTATE_OPT_MSS 0x01u       /**< Maximum segment size (kind 2). */
#define TCPSTATE_OPT_WSCALE 0x02u    /**< Window scale (kind 3). */
#define TCPSTATE_OPT_SACK_PERM 0x04u /**< SACK permitted (kind 4). */
#define TCPSTATE_OPT_SACK 0x08u      /**< SACK blocks (kind 5). */
#define TCPSTATE_OPT_TIMESTAMP 0x10u /**< Timestamps (kind 8). */
#define TCPSTATE_OPT_TFO 0x20u       /**< TCP Fast Open cookie or request (kind 34, or 254
                                          with magic 0xF989). */
#define TCPSTATE_OPT_OTHER 0x40u     /**< An option of another kind, or a known kind with the
                                          wrong length (skipped by its length). */

/** Encapsulations crossed on the way to the IP header, as bits of tcpstate_packet::encap. */
#define TCPSTATE_ENCAP_VLAN 0x01u  /**< One or more 802.1Q / 802.1ad / 0x9100 tags. */
#define TCPSTATE_ENCAP_MPLS 0x02u  /**< An MPLS label stack. */
#define TCPSTATE_ENCAP_PPPOE 0x04u /**< A PPPoE session header and PPP protocol field. */
#define TCPSTATE_ENCAP_SNAP 0x08u  /**< 802.2 LLC/SNAP instead of an Ethernet II type. */
#define TCPSTATE_ENCAP_FABRICPATH 0x10u /**< A Cisco FabricPath header (type 0x8903) and the
                                             inner Ethernet header it carries. */
#define TCPSTATE_ENCAP_PBB 0x20u   /**< An 802.1ah backbone I-tag (type 0x88E7) and the inner
                                        Ethernet header it carries. */
#define TCPSTATE_ENCAP_VNTAG 0x40u /**< A Cisco VN-Tag (type 0x8926). */
/* ---- issue 8 (decoder): tunnel kinds, in tcpstate_packet::encap_all and
 * tcpstate_tunnel::encap (they do not fit the 8-bit encap field) ---- */
#define TCPSTATE_ENCAP_IPIP 0x00100u   /**< IP in IP: 4in4, 6in4 (RFC 4213), 4in6, 6in6
                                            (RFC 2473). */
#define TCPSTATE_ENCAP_GRE 0x00200u    /**< GRE (RFC 2784 / RFC 2890; version 1, PPTP, RFC
                                            2637), also over UDP (RFC 8086). */
#define TCPSTATE_ENCAP_ERSPAN 0x00400u /**< ERSPAN type I, II or III inside GRE. */
#define TCPSTATE_ENCAP_VXLAN 0x00800u  /**< VXLAN (RFC 7348). */
#define TCPSTATE_ENCAP_GENEVE 0x01000u /**< Geneve (RFC 8926). */
#define TCPSTATE_ENCAP_TEREDO 0x02000u /**< Teredo (RFC 4380). */
#define TCPSTATE_ENCAP_AYIYA 0x04000u  /**< AYIYA (draft-massar-v6ops-ayiya). */
#define TCPSTATE_ENCAP_GTPU 0x08000u   /**< GTP-U version 1 (3GPP TS 29.281). */
#define TCPSTATE_ENCAP_ETHER 0x10000u  /**< An Ethernet frame inside a tunnel (GRE transparent
                                            bridging, ERSPAN, VXLAN, Geneve). */
#define TCPSTATE_ENCAP_WLAN 0x20000u   /**< An 802.11 frame inside a tunnel (Aruba GRE). */
#define TCPSTATE_ENCAP_UDP 0x40000u    /**< The tunnel rode on UDP (see tcpstate_tunnel::sport). */
/** The tunnel kinds, for tcpstate_decode_options::no_tunnels. */
#define TCPSTATE_ENCAP_TUNNELS                                                                     \
    (TCPSTATE_ENCAP_IPIP | TCPSTATE_ENCAP_GRE | TCPSTATE_ENCAP_VXLAN | TCPSTATE_ENCAP_GENEVE |     \
     TCPSTATE_ENCAP_TEREDO | TCPSTATE_ENCAP_AYIYA | TCPSTATE_ENCAP_GTPU)

#define TCPSTATE_MAX_TUNNEL 4 /**< Most nested tunnels decoded (deeper:
                                   TCPSTATE_E_TUNNEL_DEPTH). */

/**
 * @brief One tunnel layer crossed on the way to the TCP segment (issue 8, decoder).
 *
 * Describes the outer IP packet that carried the tunnel. Pointers point into
 * the caller's frame, like those of tcpstate_packet.
 */
typedef struct tcpstate_tunnel {
    uint32_t encap;       /**< The TCPSTATE_ENCAP_* tunnel kind (one bit), plus
                               TCPSTATE_ENCAP_UDP when it rode on UDP. */
    uint32_t id;          /**< GRE key, VNI, TEID or ERSPAN session id (see @c has_id). */
    uint32_t l3_offset;   /**< Offset of the outer IP header. */
    uint32_t l4_offset;   /**< Offset of the tunnel header (GRE, UDP, or the inner IP
                               header for IP in IP). */
    const uint8_t *src;   /**< Outer source address, 4 or 16 bytes, network order. */
    const uint8_t *dst;   /**< Outer destination address. */
    uint16_t sport;       /**< Outer UDP source port (0 when not over UDP). */
    uint16_t dport;       /**< Outer UDP destination port. */
    uint8_t ip_version;   /**< 4 or 6: the outer IP version. */
    uint8_t has_id;       /**< 1 when @c id holds a key, VNI, TEID or session id. */
    uint16_t reserved;    /**< Zero. */
} tcpstate_tunnel;

/** Facts about the decoded packet, as bits of tcpstate_packet::flags. */
#define TCPSTATE_PKT_FRAGMENT 0x01u      /**< First IP fragment: the TCP header is whole but
                                              the payload continues in other fragments. */
#define TCPSTATE_PKT_OPTS_TRUNCATED 0x02u /**< caplen cut the TCP options; those before the
                                               cut were parsed. */
#define TCPSTATE_PKT_PAYLOAD_TRUNCATED 0x04u /**< caplen cut the payload (payload_caplen <
                                                  payload_len). */
#define TCPSTATE_PKT_JUMBO 0x08u          /**< IPv6 jumbogram: length from the hop-by-hop
                                               Jumbo Payload option (RFC 2675). */
#define TCPSTATE_PKT_LEN_FROM_WIRE 0x10u  /**< The IPv4 total length (or the IPv6 payload
                                               length, without a jumbo option) was 0, as segmentation
                                               offload leaves it in captures taken on the
                                               sending host; the packet was taken to end
                                               with the frame on the wire. Only without
                                               checksum verification (with it, such a
                                               packet is TCPSTATE_E_BAD_IP_LENGTH). */
#define TCPSTATE_PKT_BAD_OPTIONS 0x20u    /**< A TCP option had a length below 2 or ran
                                               past the header: the options from it on
                                               were ignored, as a receiving stack ignores
                                               them, and the segment was decoded. */

/** IP fragment facts, as bits of tcpstate_packet::frag_flags (issue 8). */
#define TCPSTATE_FRAG_IS 0x01u          /**< The packet is one fragment of a larger datagram
                                             (an IPv6 atomic fragment is not). */
#define TCPSTATE_FRAG_MORE 0x02u        /**< More Fragments was set. */
#define TCPSTATE_FRAG_REASSEMBLED 0x04u /**< The view is a datagram the engine reassembled
                                             from fragments (tcpstate_feed() callbacks only):
                                             @c frame points to the rebuilt IP packet
                                             (linktype TCPSTATE_LINKTYPE_RAW), the link-layer
                                             fields (VLAN, MPLS, PPPoE, encap) are those of
                                             the fragment that completed it. */
#define TCPSTATE_FRAG_OVERLAP 0x08u     /**< Reassembled from IPv4 fragments that overlapped:
                                             the bytes that arrived first were kept. */

/** Checksum verdicts, as tcpstate_packet::ip_csum and tcpstate_packet::tcp_csum. */
typedef enum tcpstate_csum {
    TCPSTATE_CSUM_UNCHECKED = 0,   /**< Not verified (the flag was off, or IPv6's header). */
    TCPSTATE_CSUM_GOOD = 1,        /**< Verified and correct. */
    TCPSTATE_CSUM_BAD = 2,         /**< Verified and wrong. */
    TCPSTATE_CSUM_UNVERIFIABLE = 3 /**< Not all covered bytes were captured (snap length or
                                        fragment), so it could not be verified. */
} tcpstate_csum;

/**
 * @brief A decoded frame: header fields plus offsets into the caller's bytes.
 *
 * Filled by tcpstate_decode() and handed to callbacks. Nothing is copied:
 * @c frame, @c src, @c dst and @c tfo_cookie point into the caller's frame
 * and are valid only as long as that buffer is. Zero-filled by the decoder
 * before use. Offsets are from the start of the frame; every offset plus its
 * length is within @c caplen, except where a field says it counts bytes on
 * the wire.
 */
typedef struct tcpstate_packet {
    const uint8_t *frame;     /**< The frame as passed in. */
    uint32_t caplen;          /**< Bytes captured. */
    uint32_t wirelen;         /**< Bytes on the wire (never below caplen). */
    uint32_t linktype;        /**< The pcap LINKTYPE_ value it was decoded as. */
    uint32_t l3_offset;       /**< Offset of the IP header. */
    uint32_t l4_offset;       /**< Offset of the TCP header. */
    uint32_t payload_offset;  /**< Offset of the TCP payload (caplen when the capture ends
                                   inside the TCP options: see TCPSTATE_PKT_OPTS_TRUNCATED). */
    uint32_t payload_len;     /**< TCP payload bytes according to the IP length. */
    uint32_t payload_caplen;  /**< TCP payload bytes present in the capture. */
    uint32_t ip_len;          /**< IP packet length (header and payload) from the IP header. */
    uint8_t ip_version;       /**< 4 or 6. */
    uint8_t ttl;              /**< IPv4 TTL or IPv6 hop limit. */
    uint16_t ip_id;           /**< IPv4 identification (0 for IPv6). */
    const uint8_t *src;       /**< Source address, 4 or 16 bytes, network order. */
    const uint8_t *dst;       /**< Destination address, 4 or 16 bytes, network order. */
    uint16_t sport;           /**< TCP source port. */
    uint16_t dport;           /**< TCP destination port. */
    uint32_t seq;             /**< Sequence number. */
    uint32_t ack;             /**< Acknowledgment number (meaningful with ACK set). */
    uint16_t window;          /**< Window field, unscaled. */
    uint16_t urgent;          /**< Urgent pointer. */
    uint16_t tcp_flags;       /**< TCPSTATE_TH_* bits. */
    uint8_t tcp_hlen;         /**< TCP header length in bytes (data offset * 4). */
    uint8_t opts;             /**< TCPSTATE_OPT_* bits: options present. */
    uint16_t mss;             /**< MSS option value (with TCPSTATE_OPT_MSS). */
    uint8_t wscale;           /**< Window scale shift (with TCPSTATE_OPT_WSCALE). */
    uint8_t sack_count;       /**< SACK blocks parsed (with TCPSTATE_OPT_SACK). */
    uint32_t sack_left[TCPSTATE_MAX_SACK];  /**< SACK block left edges. */
    uint32_t sack_right[TCPSTATE_MAX_SACK]; /**< SACK block right edges. */
    uint32_t ts_val;          /**< Timestamp value (with TCPSTATE_OPT_TIMESTAMP). */
    uint32_t ts_ecr;          /**< Timestamp echo reply. */
    const uint8_t *tfo_cookie; /**< TFO cookie bytes, NULL for a cookie request. */
    uint8_t tfo_len;          /**< TFO cookie length (0 for a request). */
    uint8_t encap;            /**< TCPSTATE_ENCAP_* bits. */
    uint8_t flags;            /**< TCPSTATE_PKT_* bits. */
    uint8_t vlan_count;       /**< VLAN tags crossed, outermost first in vlan_id. */
    uint16_t vlan_id[TCPSTATE_MAX_VLAN]; /**< 12-bit VLAN ids. */
    uint8_t mpls_count;       /**< MPLS labels crossed. */
    uint8_t ip_csum;          /**< tcpstate_csum verdict on the IPv4 header checksum (of the
                                   innermost packet; TCPSTATE_CSUM_BAD also when an outer
                                   tunnel's IPv4 header was bad). */
    uint8_t tcp_csum;         /**< tcpstate_csum verdict on the TCP checksum. */
    uint8_t reserved0;        /**< Zero. */
    uint32_t mpls_label;      /**< Outermost MPLS label (20 bits). */
    uint16_t pppoe_session;   /**< PPPoE session id (with TCPSTATE_ENCAP_PPPOE). */
    uint16_t reserved1;       /**< Zero. */
    /* ---- IP fragments and reassembly (issue 8): appended ---- */
    uint32_t frag_id;          /**< For a fragment (frag_flags set): IPv4 identification or
                                    IPv6 fragment-header identification. */
    uint16_t frag_offset;      /**< For a fragment: its offset in the datagram, in bytes. */
    uint8_t frag_flags;        /**< TCPSTATE_FRAG_* bits; 0 for a whole packet. */
    uint8_t frag_proto;        /**< For a fragment: the datagram's upper-layer protocol (IPv4
                                    protocol field, or the fragment header's next header). */
    uint32_t frag_data_offset; /**< For a fragment: offset of its data (after the IPv4
                                    header, or after the IPv6 fragment header). */
    uint32_t frag_data_len;    /**< For a fragment: its data bytes, by the IP length. */
    uint32_t frag_hdr_offset;  /**< IPv6 fragment: offset of the fragment header (what
                                    precedes it is the unfragmentable part); IPv4: 0. */
    uint32_t frag_nh_offset;   /**< IPv6 fragment: offset of the Next Header byte that names
                                    the fragment header; IPv4: 0. */
    /* ---- issue 8 (decoder): tunnels and zone, appended ---- */
    uint32_t encap_all;       /**< Every TCPSTATE_ENCAP_* bit crossed, tunnels included (the
                                   low 8 bits equal @c encap). */
    uint32_t zone;            /**< Address-space zone of the innermost packet: the id of the
                                   innermost tunnel that has one (GRE key, VXLAN or Geneve
                                   VNI, GTP TEID, ERSPAN session), else the outermost VLAN id;
                                   see @c zone_encap. */
    uint32_t zone_encap;      /**< The TCPSTATE_ENCAP_* bit @c zone came from; 0: no zone. */
    uint8_t tunnel_count;     /**< Tunnel layers crossed, outermost first in @c tunnel. */
    uint8_t reserved2[3];     /**< Zero. */
    tcpstate_tunnel tunnel[TCPSTATE_MAX_TUNNEL]; /**< The outer layers. The fields above
                                   (l3_offset, src, dst, ...) describe the innermost IP
                                   packet, the one carrying the TCP segment. */
} tcpstate_packet;

/** Decoder flag: verify the IPv4 header and TCP checksums (same bit as the engine flag). */
#define TCPSTATE_DECODE_VERIFY_CHECKSUMS 0x0004u

/* ---- issue 8 (decoder): decode options ---- */
/**
 * @brief How tcpstate_decode_ex() decodes; zero-fill is valid and means the defaults.
 *
 * A port of 0 means the IANA port of that tunnel. Tunnels over UDP are
 * recognised when either UDP port matches and the header is well-formed;
 * anything else is plain UDP (TCPSTATE_SKIP_NOT_TCP).
 */
typedef struct tcpstate_decode_options {
    uint32_t flags;        /**< TCPSTATE_DECODE_* bits. */
    uint32_t no_tunnels;   /**< TCPSTATE_ENCAP_* tunnel kinds NOT to decode (their
                                packets are then not TCP); 0 decodes every kind. */
    uint16_t port_vxlan;   /**< VXLAN UDP port; 0: 4789. */
    uint16_t port_geneve;  /**< Geneve UDP port; 0: 6081. */
    uint16_t port_teredo;  /**< Teredo UDP port; 0: 3544. */
    uint16_t port_ayiya;   /**< AYIYA UDP port; 0: 5072. */
    uint16_t port_gtpu;    /**< GTP-U UDP port; 0: 2152. */
    uint16_t port_gre_udp; /**< GRE-in-UDP port (RFC 8086); 0: 4754. */
    uint32_t reserved;     /**< Zero. */
} tcpstate_decode_options;

/**
 * @brief Whether tcpstate_decode() and tcpstate_feed() understand a link type.
 * @param[in] linktype A pcap LINKTYPE_ value, or DLT_RAW as pcap_datalink() reports it.
 * @return 1 if frames of this link type are decoded, 0 if they would all give
 *         TCPSTATE_E_LINKTYPE.
 */
TCPSTATE_API int tcpstate_linktype_supported(uint32_t linktype);

/**
 * @brief Decode one frame into a packet view, without tracking anything.
 *
 * Walks link layer -> VLAN / FabricPath / 802.1ah / VN-Tag / MPLS / PPPoE ->
 * IPv4 (options skipped by IHL) or
 * IPv6 (extension headers walked, at most TCPSTATE_MAX_IPV6_EXT) -> TCP and its
 * options. Every read is bounds-checked against @p caplen. A header cut by the
 * snap length gives TCPSTATE_E_TRUNCATED; a header that is wrong in itself
 * gives the specific error. Trailing link padding beyond the IP length is
 * ignored. Pure function: no state, safe to call from any thread.
 *
 * @param[in]  linktype pcap LINKTYPE_ value of the frame (tcpstate_linktype).
 * @param[in]  frame    The frame's first byte; not retained beyond the view.
 * @param[in]  caplen   Bytes readable at @p frame.
 * @param[in]  wirelen  Original length on the wire; a value below @p caplen
 *                      (0 included) is taken as @p caplen.
 * @param[in]  flags    0 or TCPSTATE_DECODE_VERIFY_CHECKSUMS.
 * @param[out] pkt      The view; its pointers point into @p frame. Filled as
 *                      far as decoding got; complete for TCPSTATE_OK and for
 *                      the two checksum errors.
 * @return TCPSTATE_OK; TCPSTATE_SKIP_NOT_IP, TCPSTATE_SKIP_NOT_TCP or
 *         TCPSTATE_SKIP_FRAGMENT for frames with nothing to track;
 *         TCPSTATE_E_INVAL if @p frame or @p pkt is NULL or @p caplen exceeds
 *         UINT32_MAX; TCPSTATE_E_LINKTYPE; TCPSTATE_E_TRUNCATED; or one of the
 *         malformation errors TCPSTATE_E_BAD_LINK ... TCPSTATE_E_BAD_TCP_CHECKSUM.
 */
TCPSTATE_API tcpstate_status tcpstate_decode(uint32_t linktype, const uint8_t *frame,
                                             size_t caplen, size_t wirelen, uint32_t flags,
                                             tcpstate_packet *pkt) TCPSTATE_WARN_UNUSED;

/**
 * @brief tcpstate_decode() with options: tunnel ports and kinds (issue 8, decoder).
 *
 * Tunnels (IP in IP, GRE and ERSPAN, VXLAN, Geneve, Teredo, AYIYA, GTP-U) are
 * decoded down to the innermost TCP segment, at most TCPSTATE_MAX_TUNNEL
 * deep; the view's IP and TCP fields describe the innermost packet and
 * tcpstate_packet::tunnel the outer ones. tcpstate_decode() is this call with
 * default options and its @p flags. Pure function, like tcpstate_decode().
 *
 * @param[in]  linktype pcap LINKTYPE_ value of the frame.
 * @param[in]  frame    The frame's first byte; not retained beyond the view.
 * @param[in]  caplen   Bytes readable at @p frame.
 * @param[in]  wirelen  Original length on the wire (below @p caplen: @p caplen).
 * @param[in]  opt      Options, or NULL for the defaults (no checksum checks).
 * @param[out] pkt      The view, as for tcpstate_decode().
 * @return As tcpstate_decode(), plus TCPSTATE_E_TUNNEL_DEPTH.
 */
TCPSTATE_API tcpstate_status tcpstate_decode_ex(uint32_t linktype, const uint8_t *frame,
                                                size_t caplen, size_t wirelen,
                                                const tcpstate_decode_options *opt,
                                                tcpstate_packet *pkt) TCPSTATE_WARN_UNUSED;
/** @} */

/**
 * @defgroup states TCP states, sides and events
 * @brief The vocabulary of the tracker.
 * @{
 */

/** RFC 793 / RFC 9293 §3.3.2 connection states of one endpoint. */
typedef enum tcpstate_tcp_state {
    TCPSTATE_CLOSED = 0,       /**< No connection (also after RST or the final ACK). */
    TCPSTATE_LISTEN = 1,       /**< Waiting for a SYN (never inferred from traffic). */
    TCPSTATE_SYN_SENT = 2,     /**< Sent a SYN, waiting for the SYN-ACK. */
    TCPSTATE_SYN_RECEIVED = 3, /**< Received a SYN and answered it. */
    TCPSTATE_ESTABLISHED = 4,  /**< Handshake complete. */
    TCPSTATE_FIN_WAIT_1 = 5,   /**< Sent a FIN, not yet acknowledged. */
    TCPSTATE_FIN_WAIT_2 = 6,   /**< Own FIN acknowledged, waiting for the peer's FIN. */
    TCPSTATE_CLOSE_WAIT = 7,   /**< Received the peer's FIN, has not sent its own. */
    TCPSTATE_CLOSING = 8,      /**< Both FINs crossed; own FIN not yet acknowledged. */
    TCPSTATE_LAST_ACK = 9,     /**< Sent its FIN after the peer's; waiting for the ACK. */
    TCPSTATE_TIME_WAIT = 10,   /**< Both FINs done; waiting 2*MSL. */
    TCPSTATE_STATE_COUNT = 11  /**< Number of states; not part of the ABI promise. */
} tcpstate_tcp_state;

/** The two endpoints of a flow. Also the direction of a packet: the side that sent it. */
typedef enum tcpstate_side {
    TCPSTATE_ORIG = 0, /**< The originator: sender of the first SYN (or inferred). */
    TCPSTATE_RESP = 1  /**< The responder. */
} tcpstate_side;

/** What an event reports, as tcpstate_event::kind. */
typedef enum tcpstate_event_kind {
    TCPSTATE_EV_SYN = 0,          /**< A connection attempt (SYN without ACK). */
    TCPSTATE_EV_SYNACK = 1,       /**< A SYN-ACK. */
    TCPSTATE_EV_ACK = 2,          /**< The ACK completing a handshake or acknowledging a FIN. */
    TCPSTATE_EV_FIN = 3,          /**< A FIN. */
    TCPSTATE_EV_RST = 4,          /**< A RST. */
    TCPSTATE_EV_STATE_CHANGE = 5, /**< One endpoint changed state (see tcpstate_event::side). */
    TCPSTATE_EV_FLOW_END = 6,     /**< The flow leaves the table (see tcpstate_event::reason). */
    TCPSTATE_EV_COUNT = 7         /**< Number of kinds; not part of the ABI promise. */
} tcpstate_event_kind;

/** Why a flow ended, as tcpstate_event::reason of a TCPSTATE_EV_FLOW_END event. */
typedef enum tcpstate_end_reason {
    TCPSTATE_END_NONE = 0,     /**< Not an end event. */
    TCPSTATE_END_CLOSED = 1,   /**< Closed by FINs; its TIME_WAIT (or close) linger ran out. */
    TCPSTATE_END_RESET = 2,    /**< Aborted by a RST; its linger ran out. */
    TCPSTATE_END_TIMEOUT = 3,  /**< Idle longer than its state's timeout. */
    TCPSTATE_END_EVICTED = 4,  /**< Pushed out to make room for a new flow. */
    TCPSTATE_END_REUSED = 5,   /**< A new SYN reused the 4-tuple; a new flow follows. */
    TCPSTATE_END_FINISHED = 6, /**< Still open when tcpstate_finish() ran. */
    TCPSTATE_END_DROPPED = 7,  /**< A callback returned TCPSTATE_CB_DROP_FLOW. */
    TCPSTATE_END_COUNT = 8     /**< Number of reasons; not part of the ABI promise. */
} tcpstate_end_reason;

/** Event flags, as bits of tcpstate_event::flags. */
#define TCPSTATE_EVF_RETRANSMIT 0x01u    /**< A retransmitted SYN, SYN-ACK, FIN or RST. */
#define TCPSTATE_EVF_OUT_OF_WINDOW 0x02u /**< RST/FIN/SYN outside the receiver's window:
                                              reported, no state changed. */
#define TCPSTATE_EVF_MIDSTREAM 0x04u     /**< The flow was picked up without its handshake. */
#define TCPSTATE_EVF_NEW_FLOW 0x08u      /**< This frame created the flow. */
#define TCPSTATE_EVF_BAD_ACK 0x10u       /**< SYN-ACK or ACK whose ack number does not
                                              match: the handshake did not advance. */
#define TCPSTATE_EVF_SIMULTANEOUS 0x20u  /**< Part of a simultaneous open or close. */
#define TCPSTATE_EVF_DATA 0x40u          /**< The segment carries payload. */
#define TCPSTATE_EVF_IMPLAUSIBLE 0x80u   /**< The segment's ACK acknowledges data the peer
                                              never sent (or lies far behind), or its
                                              sequence number is outside the receiver's
                                              window: believed in nothing, no state changed
                                              (docs/state-machine.md, "Plausibility"). */
#define TCPSTATE_EVF_RST_INEXACT 0x100u  /**< A RST inside the receiver's window but not at
                                              the exact sequence number it expects: not
                                              applied (RFC 5961 §3.2); the flow ages on the
                                              embryonic timeout until traffic resumes. */
/** @} */

/**
 * @defgroup lifecycle Engine lifecycle
 * @brief Configuration, memory, callbacks, init and reset.
 * @{
 */

/** Opaque engine; lives inside the caller's memory. */
typedef struct tcpstate_engine tcpstate_engine;
/** Opaque flow; owned by the engine, valid until its TCPSTATE_EV_FLOW_END event returns. */
typedef struct tcpstate_flow tcpstate_flow;

/* Engine flags for tcpstate_config::flags. */
#define TCPSTATE_F_PICKUP_MIDSTREAM 0x0001u /**< Track flows whose handshake was not seen
                                                 (roles inferred, both ESTABLISHED assumed).
                                                 Default on. Off: such frames are counted
                                                 and ignored. */
#define TCPSTATE_F_EVICT_ESTABLISHED 0x0002u /**< When the table is full and no finished
                                                  or unconfirmed flow is left, let a new
                                                  flow opened by a SYN evict the
                                                  longest-idle confirmed flow rather than be
                                                  refused. A flow picked up midstream never
                                                  evicts a confirmed one. Default on: an
                                                  IDS must see new connections, and one-way
                                                  floods cannot use it. */
#define TCPSTATE_F_VERIFY_CHECKSUMS 0x0004u /**< Verify IPv4 and TCP checksums; frames
                                                 with a bad one are counted and not
                                                 tracked. Default off: captures taken on a
                                                 sending host often carry offloaded,
                                                 unfilled checksums. */
#define TCPSTATE_F_VLAN_KEY 0x0008u         /**< Include the outermost VLAN id in the flow
                                                 key. Default off. */
#define TCPSTATE_F_NO_WINDOW_CHECK 0x0010u  /**< USE WITH CAUTION: accept RST and FIN at
                                                 any sequence number. Lets blind injection
                                                 close tracked flows. Default off. */
#define TCPSTATE_F_RST_IN_WINDOW 0x0080u    /**< Accept any RST inside the receiver's window,
                                                 as stacks before RFC 5961 do, rather than
                                                 only the exact expected sequence number.
                                                 Blind resets then succeed at window/2^32
                                                 odds. Default off. */
#define TCPSTATE_F_HISTORY 0x0020u          /**< Keep a Zeek-compatible history string and
                                                 the facts conn_state needs, per flow
                                                 (costs TCPSTATE_HISTORY_BYTES per flow).
                                                 A segment with a bad TCP checksum (with
                                                 TCPSTATE_F_VERIFY_CHECKSUMS) is then
                                                 attributed to its flow, created if need be,
                                                 to record Zeek's 'C'; nothing else changes.
                                                 Default off. */
#define TCPSTATE_F_ZEEK_LIFETIME 0x0040u    /**< End flows when Zeek would end the
                                                 connection (5 s after an unanswered SYN or a
                                                 completed close or reset, 60 s idle in the
                                                 handshake, 300 s after; a SYN with a new
                                                 ISN starts a new flow), so that flows match
                                                 Zeek's conn.log rows. Needs
                                                 TCPSTATE_F_HISTORY. Default off. */
/* ---- issue 8 (decoder): zone flag; the flow key part is the lead's ---- */
#define TCPSTATE_F_ZONE_KEY 0x0100u         /**< Include tcpstate_packet::zone (VLAN id,
                                                 VNI, GRE key, TEID) in the flow key, for
                                                 overlapping address spaces: the same
                                                 4-tuple in two zones is two flows. Costs 8
                                                 bytes per flow (counted by
                                                 tcpstate_footprint()). Default off. */

/** Per-flow bytes the TCPSTATE_F_HISTORY record costs, included by tcpstate_footprint(). */
#define TCPSTATE_HISTORY_BYTES 160

/**
 * @brief Engine configuration. Fill with tcpstate_config_init(), then adjust.
 *
 * Copied by tcpstate_init(); it need not outlive the call. Times are in
 * nanoseconds of the caller's clock (the timestamps passed to tcpstate_feed()).
 */
typedef struct tcpstate_config {
    uint32_t max_flows;       /**< Capacity of the flow table; 1 .. 2^28. Default 65536. */
    uint32_t flags;           /**< TCPSTATE_F_* bits. Default PICKUP_MIDSTREAM |
                                   EVICT_ESTABLISHED. */
    uint32_t flow_user_bytes; /**< Inline per-flow bytes for the application, reachable with
                                   tcpstate_flow_user_bytes(); rounded up to 8. Default 0. */
    uint32_t expire_budget;   /**< Flows tcpstate_feed() may examine for expiry per call
                                   (0: expire only in tcpstate_expire()). Default 2. */
    uint8_t hash_key[16];     /**< Key of the flow hash (IPv4 keys: AES-128 under a key
                                   derived from this one, on x86-64 CPUs with AES-NI;
                                   otherwise SipHash-1-3). The default all-zero
                                   key is public, so it is not collision resistant: anyone can
                                   aim tuples at a chosen flow's buckets. Draw 16 bytes from the
                                   operating system's random source (getrandom(),
                                   arc4random_buf(), a hardware RNG) per engine, and keep them
                                   secret; a fixed key is only for reproducible tests. The
                                   library never reads randomness itself; an engine with the
                                   all-zero key says so in tcpstate_stats::weak_hash_key. */
    uint64_t timeout_embryonic; /**< Idle timeout while the handshake is incomplete.
                                     Default 120 s. */
    uint64_t timeout_established; /**< Idle timeout of an established flow. Default 5 days. */
    uint64_t timeout_closing;   /**< Idle timeout once a FIN was seen. Default 120 s. */
    uint64_t timeout_time_wait; /**< TIME_WAIT linger, 2*MSL. Default 120 s (MSL 60 s). */
    uint64_t timeout_closed;    /**< Linger of a flow closed by RST or by the final ACK
                                     without TIME_WAIT on either side. Default 10 s. */
    const uint16_t *server_ports; /**< Ports that mark the responder of a flow picked up
                                       midstream; NULL for the default set (the ports below
                                       1024 and common service ports). Copied at init.
                                       Must be NULL in a library built with
                                       TCPSTATE_NO_SERVER_PORT_LIST. */
    uint32_t n_server_ports;    /**< Entries in server_ports. */
    uint32_t reserved;          /**< Zero. */
    uint32_t batch_max;         /**< Frames tcpstate_feed_batch() stages at once (decoded,
                                     hashed and prefetched before any is tracked); each costs
                                     about 400 bytes of the engine's memory. 0: the batch call
                                     feeds frame by frame (small targets). At most 256.
                                     Default 16; 64 to 128 were faster on a server CPU
                                     with 100,000 flows (BENCHMARKS.md), since each
                                     frame's record then has longer to arrive. */
    /* ---- IP fragment reassembly (issue 8): appended ---- */
    uint32_t reasm_contexts;    /**< IP datagrams reassembled at once (at most 65534). 0 turns
                                     reassembly off: fragments are reported as
                                     TCPSTATE_SKIP_FRAGMENT and a first fragment holding the
                                     whole TCP header is tracked alone, as before. Default 64. */
    uint32_t reasm_bytes;       /**< Bytes of fragment storage, used in 1 KiB blocks (2 to
                                     65534 blocks); a datagram needs one block per KiB of data plus
                                     one for its header. Default 128 KiB: the largest
                                     datagram (64 KiB) with room for as much again. */
    uint64_t reasm_timeout;     /**< A datagram not complete this long after its first
                                     fragment is dropped (packet time). Default 30 s, Linux's
                                     ipfrag_time. */
    /* ---- issue 8 (decoder): appended ---- */
    tcpstate_decode_options decode; /**< Tunnel ports and kinds for tcpstate_feed(); zero-fill
                                         gives the defaults. Its flags are ignored: the
                                         engine's TCPSTATE_F_VERIFY_CHECKSUMS decides. */
} tcpstate_config;

/**
 * @brief Fill a configuration with the documented defaults.
 *
 * The timeout defaults are those of Linux's connection tracker
 * (nf_conntrack_proto_tcp.c: SYN_SENT 120 s, ESTABLISHED 5 days, FIN_WAIT
 * 120 s, TIME_WAIT 120 s, CLOSE 10 s).
 *
 * @param[out] cfg Configuration to fill; ignored if NULL.
 */
TCPSTATE_API void tcpstate_config_init(tcpstate_config *cfg);

/** Result of a callback. Any other value is taken as TCPSTATE_CB_STOP. */
typedef enum tcpstate_cb_result {
    TCPSTATE_CB_CONTINUE = 0,  /**< Carry on. */
    TCPSTATE_CB_DROP_FLOW = 1, /**< Forget this flow once the current frame is done; it ends
                                    with TCPSTATE_END_DROPPED. */
    TCPSTATE_CB_STOP = -1      /**< Finish the current frame, then make tcpstate_feed()
                                    return TCPSTATE_E_CALLBACK. Not sticky. */
} tcpstate_cb_result;

/**
 * @brief What a callback receives. Valid only during the call.
 *
 * States are tcpstate_tcp_state values indexed by tcpstate_side. For the
 * packet events (SYN ... RST) @c before and @c after bracket the step of the
 * segment that fired the event; for a state change they bracket that change;
 * for a flow end both hold the final states.
 */
typedef struct tcpstate_event {
    uint8_t kind;      /**< tcpstate_event_kind. */
    uint8_t dir;       /**< tcpstate_side that sent the packet (flow end: the side that sent
                            the last packet). */
    uint8_t side;      /**< For a state change: the endpoint that changed. Otherwise = dir. */
    uint8_t reason;    /**< tcpstate_end_reason for a flow end, else TCPSTATE_END_NONE. */
    uint8_t before[2]; /**< States of ORIG and RESP before. */
    uint8_t after[2];  /**< States of ORIG and RESP after. */
    uint32_t flags;    /**< TCPSTATE_EVF_* bits. */
    uint64_t ts;       /**< Timestamp of the frame (flow end: the time that ended it). */
    uint64_t frame;    /**< 1-based count of tcpstate_feed() calls on this engine, i.e. the
                            frame number a sniffer shows if every frame is fed (0 for ends
                            from tcpstate_expire() or tcpstate_finish()). */
    const tcpstate_packet *pkt; /**< The decoded frame; NULL when no frame caused the event. */
    tcpstate_engine *engine;    /**< The engine delivering the event (for flow accessors
                                     that need it). */
} tcpstate_event;

/**
 * @brief Callback type for every event.
 *
 * @param[in] user  The user pointer given to tcpstate_init().
 * @param[in] flow  The flow; valid until the flow's end event returns.
 * @param[in] ev    The event; valid only during the call.
 * @return A tcpstate_cb_result. The callback must not call tcpstate_feed(),
 *         tcpstate_expire(), tcpstate_finish() or tcpstate_reset() on the same
 *         engine (they return TCPSTATE_E_REENTRANT); flow accessors are fine.
 */
typedef int (*tcpstate_event_cb)(void *user, tcpstate_flow *flow, const tcpstate_event *ev);

/**
 * @brief The application's callbacks. NULL means not interested. Copied by tcpstate_init().
 *
 * Order for one frame: for each step of the segment in RFC 9293 §3.10.7.4
 * order (RST, SYN, ACK, FIN), the named event, then the state changes of
 * that step (sender first, then receiver); the flow end (if any) comes last.
 */
typedef struct tcpstate_callbacks {
    tcpstate_event_cb on_syn;          /**< SYN (retransmissions flagged). */
    tcpstate_event_cb on_synack;       /**< SYN-ACK (retransmissions flagged). */
    tcpstate_event_cb on_ack;          /**< Handshake-completing or FIN-acknowledging ACK. */
    tcpstate_event_cb on_fin;          /**< FIN. */
    tcpstate_event_cb on_rst;          /**< RST. */
    tcpstate_event_cb on_state_change; /**< Any endpoint state change. */
    tcpstate_event_cb on_flow_end;     /**< The flow leaves the table. */
} tcpstate_callbacks;

/**
 * @brief Bytes of memory an engine with this configuration needs.
 *
 * Includes slack for alignment, so any buffer of this size works whatever its
 * address. Pure function.
 *
 * @param[in] cfg The configuration.
 * @return The byte count, or 0 if @p cfg is NULL or invalid (max_flows out of
 *         range, a zero timeout, an unknown flag bit, server_ports NULL with
 *         n_server_ports non-zero, or a feature the build left out, see
 *         docs/embedding.md) or if the engine would need more than
 *         SIZE_MAX bytes (possible on 32-bit targets: sizes are computed in
 *         64 bits and such a configuration is refused, never wrapped).
 */
TCPSTATE_API size_t tcpstate_footprint(const tcpstate_config *cfg);

/**
 * @brief An upper bound of tcpstate_footprint(), usable at compile time to size a static buffer.
 *
 * For example `static uint8_t mem[TCPSTATE_STATIC_BYTES(256, 0)];` holds an
 * engine of 256 flows without user bytes or history, with the default
 * server ports and batch size (tcpstate_config::batch_max 16), and without
 * IP reassembly (tcpstate_config::reasm_contexts 0; see
 * TCPSTATE_STATIC_REASM_BYTES()). Check `tcpstate_footprint(&cfg) <= sizeof
 * mem` once at start-up. For every max_flows in 1 .. 2^28 the bound is at
 * most 5% above tcpstate_footprint() on the targets CI measures (x86-64,
 * armhf, s390x, Cortex-M4; tests/test_sizes.c). The arithmetic is done in
 * 64 bits: a configuration whose size does not fit size_t gives SIZE_MAX (a
 * static array of that size does not compile, and no allocation succeeds),
 * never a wrapped small value. TCPSTATE_STATIC_BYTES_BATCH() is the same
 * bound for another batch_max (0 on small targets).
 *
 * @param flows tcpstate_config::max_flows (1 .. 2^28).
 * @param extra Per-flow extras: tcpstate_config::flow_user_bytes rounded up to
 *              8, plus TCPSTATE_HISTORY_BYTES with TCPSTATE_F_HISTORY, plus 8 with
 *              TCPSTATE_F_ZONE_KEY.
 *
 * A caller-supplied tcpstate_config::server_ports list costs
 * TCPSTATE_STATIC_PORT_BYTES(n_server_ports) more.
 */
#define TCPSTATE_STATIC_BYTES(flows, extra) TCPSTATE_STATIC_BYTES_BATCH(flows, extra, 16u)

/**
 * @brief TCPSTATE_STATIC_BYTES() for a tcpstate_config::batch_max other than
 *        the default 16 (0 on small targets: no batch workspace).
 * @param flows tcpstate_config::max_flows (1 .. 2^28).
 * @param extra As for TCPSTATE_STATIC_BYTES().
 * @param batch tcpstate_config::batch_max (0 .. 256).
 */
#define TCPSTATE_STATIC_BYTES_BATCH(flows, extra, batch)                                           \
    ((TCPSTATE_STATIC_U64_(flows, extra, batch) >> (8u * sizeof(size_t) - 1u)) > 1u                \
         ? SIZE_MAX                                                                                \
         : (size_t)TCPSTATE_STATIC_U64_(flows, extra, batch))

/**
 * @brief Bytes a caller's tcpstate_config::server_ports list of @p n entries
 *        adds to tcpstate_footprint(): a sorted copy (2 bytes a port), or an
 *        8 KiB bitmap beyond 4096 ports. The default set (NULL) costs nothing.
 * @param n tcpstate_config::n_server_ports.
 */
#define TCPSTATE_STATIC_PORT_BYTES(n) ((size_t)((n) > 4096u ? 8192u : 2u * (uint32_t)(n)))

/** Part of TCPSTATE_STATIC_FIXED_: on x86-64, the AES round keys of the flow hash
 *  (internal). */
#if defined(__x86_64__) || defined(_M_X64)
#define TCPSTATE_STATIC_HASH_ 256u
#else
#define TCPSTATE_STATIC_HASH_ 0u
#endif
/** Part of TCPSTATE_STATIC_BYTES(): the engine (with the tracker's event buffer) and the
 *  64-byte alignment slack (internal). */
#define TCPSTATE_STATIC_FIXED_                                                                     \
    ((uint64_t)1535u + TCPSTATE_STATIC_HASH_ + 32u * (uint64_t)sizeof(void *))
/** Part of TCPSTATE_STATIC_BYTES(): one flow record (internal). */
#define TCPSTATE_STATIC_FLOW_ 120u
/** Part of TCPSTATE_STATIC_BYTES(): one slot of the batch workspace (internal). */
#define TCPSTATE_STATIC_SLOT_ (352u + 12u * (uint64_t)sizeof(void *))
/**
 * @brief Part of TCPSTATE_STATIC_BYTES(): the sum in 64 bits (internal). The
 *        index is 1.25 four-byte slots per flow in 64-byte buckets.
 * @param flows As for TCPSTATE_STATIC_BYTES().
 * @param extra As for TCPSTATE_STATIC_BYTES().
 * @param batch As for TCPSTATE_STATIC_BYTES_BATCH().
 */
#define TCPSTATE_STATIC_U64_(flows, extra, batch)                                                  \
    (TCPSTATE_STATIC_FIXED_ + ((uint64_t)(flows) + (uint64_t)(flows) / 4u + 31u) / 16u * 64u +     \
     (uint64_t)(flows) * (TCPSTATE_STATIC_FLOW_ + (uint64_t)(extra)) +                             \
     (uint64_t)(batch) * TCPSTATE_STATIC_SLOT_)

/**
 * @brief Bytes to add to TCPSTATE_STATIC_BYTES() when IP reassembly is on (issue 8).
 *
 * TCPSTATE_STATIC_BYTES() counts an engine with tcpstate_config::reasm_contexts
 * 0; with reassembly on (the default), add
 * `TCPSTATE_STATIC_REASM_BYTES(cfg.reasm_contexts, cfg.reasm_bytes)`.
 *
 * @param contexts tcpstate_config::reasm_contexts.
 * @param bytes    tcpstate_config::reasm_bytes.
 */
#define TCPSTATE_STATIC_REASM_BYTES(contexts, bytes)                                               \
    ((size_t)1024 + (size_t)(contexts) * (size_t)520 + ((size_t)(bytes) / 1024u) * (size_t)1027)

/**
 * @brief Build an engine inside caller-supplied memory.
 *
 * Everything the engine will ever use is carved from @p mem here; nothing is
 * allocated afterwards. The caller keeps ownership of @p mem and frees it
 * after the last use of the engine (there is no destroy function). The config
 * and callbacks are copied.
 *
 * @param[in]  mem  At least tcpstate_footprint(cfg) bytes, any alignment.
 * @param[in]  len  Bytes at @p mem.
 * @param[in]  cfg  Configuration.
 * @param[in]  cb   Callbacks, or NULL for none.
 * @param[in]  user Passed to every callback.
 * @param[out] out  The engine (a pointer into @p mem).
 * @return TCPSTATE_OK; TCPSTATE_E_INVAL for a NULL or invalid argument,
 *         including a configuration for which tcpstate_footprint() returns 0
 *         (one needing more than SIZE_MAX bytes, on 32-bit targets);
 *         TCPSTATE_E_NOMEM if @p len is below tcpstate_footprint(cfg).
 */
TCPSTATE_API tcpstate_status tcpstate_init(void *mem, size_t len, const tcpstate_config *cfg,
                                           const tcpstate_callbacks *cb, void *user,
                                           tcpstate_engine **out) TCPSTATE_WARN_UNUSED;

/**
 * @brief Forget every flow at once, without callbacks, and zero the statistics.
 *
 * @param[in] e The engine.
 * @return TCPSTATE_OK; TCPSTATE_E_INVAL if @p e is NULL;
 *         TCPSTATE_E_REENTRANT if called from a callback.
 */
TCPSTATE_API tcpstate_status tcpstate_reset(tcpstate_engine *e);

/**
 * @brief Allocation hooks for tcpstate_create(); per engine, with a context.
 *
 * @c alloc must return memory of @p size bytes or NULL; @c free receives the
 * same size back, so pool allocators work.
 */
typedef struct tcpstate_allocator {
    void *(*alloc)(void *ctx, size_t size);        /**< Allocate @p size bytes. */
    void (*free)(void *ctx, void *ptr, size_t size); /**< Release what alloc returned. */
    void *ctx;                                     /**< Passed to both. */
} tcpstate_allocator;

/**
 * @brief Convenience: allocate tcpstate_footprint(cfg) bytes and tcpstate_init() them.
 *
 * The only place the library obtains memory itself, and only through @p a.
 * Built with TCPSTATE_WITH_MALLOC, a NULL @p a means malloc/free.
 *
 * @param[in]  cfg  Configuration.
 * @param[in]  cb   Callbacks, or NULL.
 * @param[in]  user Passed to every callback.
 * @param[in]  a    Allocator; NULL only in a TCPSTATE_WITH_MALLOC build.
 * @param[out] out  The engine; release it with tcpstate_destroy().
 * @return TCPSTATE_OK; TCPSTATE_E_INVAL for an invalid argument (or a NULL
 *         allocator without TCPSTATE_WITH_MALLOC, or a configuration larger
 *         than SIZE_MAX bytes); TCPSTATE_E_NOMEM if the allocation failed;
 *         TCPSTATE_E_DISABLED, always (and @p out set to NULL), in a library
 *         built with TCPSTATE_NO_CREATE (docs/embedding.md).
 */
TCPSTATE_API tcpstate_status tcpstate_create(const tcpstate_config *cfg,
                                             const tcpstate_callbacks *cb, void *user,
                                             const tcpstate_allocator *a,
                                             tcpstate_engine **out) TCPSTATE_WARN_UNUSED;

/**
 * @brief Release an engine made by tcpstate_create(). No callbacks run.
 *
 * Call tcpstate_finish() first to see remaining flows end.
 *
 * @param[in] e The engine, or NULL (nothing happens).
 */
TCPSTATE_API void tcpstate_destroy(tcpstate_engine *e);
/** @} */

/**
 * @defgroup feed Feeding frames and time
 * @brief The tracking entry points.
 * @{
 */

/**
 * @brief Decode one frame and track it.
 *
 * Decodes like tcpstate_decode() (with checksum checks if the engine has
 * TCPSTATE_F_VERIFY_CHECKSUMS), finds or creates the flow, applies the
 * segment to both endpoints and fires the callbacks, all before returning.
 * With IP reassembly on (tcpstate_config::reasm_contexts), an IP fragment is
 * held in the engine's pool and gives TCPSTATE_SKIP_FRAGMENT; the fragment
 * that completes its datagram is decoded whole (a raw IP frame, flagged
 * TCPSTATE_FRAG_REASSEMBLED) and tracked once, its status being that of the
 * whole datagram. Overlapping IPv4 fragments keep the bytes that came first
 * (as Zeek does); overlapping IPv6 fragments drop the datagram (RFC 5722);
 * a datagram still incomplete reasm_timeout after its first fragment is
 * dropped; when the pool is full the oldest datagram makes room. Every drop
 * is counted in tcpstate_stats. A fragment the capture cut short is not
 * reassembled (its decoder status stands). With TCPSTATE_F_VERIFY_CHECKSUMS
 * a fragment with a bad IPv4 header checksum gives TCPSTATE_E_BAD_IPV4_CHECKSUM.
 * Also expires up to tcpstate_config::expire_budget idle flows. A timestamp
 * older than the newest seen is taken as the newest (and counted).
 *
 * @param[in] e        The engine.
 * @param[in] linktype pcap LINKTYPE_ value.
 * @param[in] frame    The frame; read only during the call.
 * @param[in] caplen   Bytes readable at @p frame.
 * @param[in] wirelen  Length on the wire (below @p caplen: taken as @p caplen).
 * @param[in] ts       Capture timestamp, nanoseconds.
 * @return TCPSTATE_OK if tracked; a positive skip status; a decode error (the
 *         frame is counted, not tracked); TCPSTATE_E_TABLE_FULL;
 *         TCPSTATE_E_CALLBACK if a callback returned TCPSTATE_CB_STOP;
 *         TCPSTATE_E_REENTRANT; TCPSTATE_E_INVAL.
 */
TCPSTATE_API tcpstate_status tcpstate_feed(tcpstate_engine *e, uint32_t linktype,
                                           const uint8_t *frame, size_t caplen, size_t wirelen,
                                           uint64_t ts) TCPSTATE_WARN_UNUSED;

/** One frame of a batch (tcpstate_feed_batch()). */
typedef struct tcpstate_frame {
    const uint8_t *data; /**< The frame; read only during the call. */
    uint32_t caplen;     /**< Bytes readable at @p data. */
    uint32_t wirelen;    /**< Length on the wire (below @p caplen: taken as @p caplen). */
    uint64_t ts;         /**< Capture timestamp, nanoseconds. */
} tcpstate_frame;

/**
 * @brief Track many frames of one link type, faster than one call per frame.
 *
 * Gives the same callbacks, in the same order, with the same statuses, stats
 * and final states as calling tcpstate_feed() on each frame in turn. The
 * engine works through the frames in chunks of tcpstate_config::batch_max:
 * it decodes and hashes a whole chunk (asking for each frame's headers some
 * frames ahead) and asks the memory system for the buckets and flow records
 * the chunk needs, then tracks the chunk's frames in order, by which time
 * that memory has mostly arrived. With batch_max 0
 * it is a loop over tcpstate_feed().
 *
 * @param[in]  e        The engine.
 * @param[in]  linktype pcap LINKTYPE_ value of every frame.
 * @param[in]  frames   @p n frames; read only during the call.
 * @param[in]  n        Number of frames (0 is allowed).
 * @param[out] status   @p n statuses, one per frame, as tcpstate_feed() would
 *                      return them.
 * @return The number of frames processed: @p n, or fewer when a callback
 *         returned TCPSTATE_CB_STOP (the last processed frame's status is
 *         then TCPSTATE_E_CALLBACK; later frames are untouched and their
 *         statuses not written). 0 with no status written if @p e is NULL or
 *         @p frames or @p status is NULL while @p n is not 0; 0 with every
 *         status TCPSTATE_E_REENTRANT when called from a callback.
 */
TCPSTATE_API size_t tcpstate_feed_batch(tcpstate_engine *e, uint32_t linktype,
                                        const tcpstate_frame *frames, size_t n,
                                        tcpstate_status *status);

/**
 * @brief Advance time and end flows idle beyond their state's timeout.
 *
 * Bounded work: examines at most @p budget flows, earliest deadline first,
 * and resumes where it stopped on the next call. Flows are kept in order of
 * last activity only to within an aging period (1/64 of their class's
 * timeout, at most 2^30 ns; docs/state-machine.md, "Lazy aging"), so a flow
 * may end up to one period after its deadline, never before it (with
 * TCPSTATE_F_ZEEK_LIFETIME, whose deadlines do not follow last activity, it
 * sweeps @p budget table records round-robin instead). Ended flows get
 * TCPSTATE_EV_FLOW_END, timestamped with their deadline, with
 * TCPSTATE_END_TIMEOUT (or CLOSED / RESET for flows that were already closed
 * or reset and only lingering).
 *
 * @param[in] e      The engine.
 * @param[in] now    Current capture time, nanoseconds (older: taken as newest).
 * @param[in] budget Most flows to examine; 0 means no limit.
 * @return TCPSTATE_OK; TCPSTATE_E_CALLBACK; TCPSTATE_E_REENTRANT; TCPSTATE_E_INVAL.
 */
TCPSTATE_API tcpstate_status tcpstate_expire(tcpstate_engine *e, uint64_t now, size_t budget);

/**
 * @brief End every remaining flow, as at the end of a capture.
 *
 * Each flow gets TCPSTATE_EV_FLOW_END, oldest first (to within an aging
 * period, see tcpstate_expire()): TCPSTATE_END_CLOSED or
 * TCPSTATE_END_RESET for flows already closed or reset, TCPSTATE_END_FINISHED
 * for the others. The engine is empty and reusable afterwards.
 *
 * @param[in] e The engine.
 * @return TCPSTATE_OK; TCPSTATE_E_CALLBACK (remaining flows still end, with
 *         callbacks suppressed); TCPSTATE_E_REENTRANT; TCPSTATE_E_INVAL.
 */
TCPSTATE_API tcpstate_status tcpstate_finish(tcpstate_engine *e);
/** @} */

/**
 * @defgroup flow Flows
 * @brief What the engine knows about one connection.
 * @{
 */

/** Flow facts, as bits of tcpstate_flow_info::flags. */
#define TCPSTATE_FLOW_MIDSTREAM 0x01u  /**< Picked up without its handshake. */
#define TCPSTATE_FLOW_HANDSHAKE 0x02u  /**< The three-way handshake (or simultaneous open)
                                            completed in view. */
#define TCPSTATE_FLOW_RESET 0x04u      /**< A RST was accepted. */
#define TCPSTATE_FLOW_CLOSED 0x08u     /**< Both FINs were acknowledged. */

/** Per-endpoint option facts from its SYN, as bits of tcpstate_flow_info::syn_opts. */
#define TCPSTATE_SYNOPT_MSS 0x01u       /**< Its SYN carried MSS. */
#define TCPSTATE_SYNOPT_WSCALE 0x02u    /**< Its SYN carried window scale. */
#define TCPSTATE_SYNOPT_SACK_PERM 0x04u /**< Its SYN carried SACK-permitted. */
#define TCPSTATE_SYNOPT_TIMESTAMP 0x08u /**< Its SYN carried timestamps. */
#define TCPSTATE_SYNOPT_TFO 0x10u       /**< Its SYN carried a TFO option. */
#define TCPSTATE_SYNOPT_SEEN 0x20u      /**< Its SYN or SYN-ACK was seen (or, for the
                                             originator of a flow opened by a SYN-ACK,
                                             implied by it): isn is a real ISN, not just
                                             the first sequence number seen. */

/**
 * @brief A snapshot of one flow, filled by tcpstate_flow_get_info().
 *
 * Arrays are indexed by tcpstate_side. IPv4 addresses occupy the first 4
 * bytes of the address arrays, the rest zero.
 */
typedef struct tcpstate_flow_info {
    uint8_t ip_version;       /**< 4 or 6. */
    uint8_t state[2];         /**< tcpstate_tcp_state of each endpoint. */
    uint8_t syn_opts[2];      /**< TCPSTATE_SYNOPT_* bits seen in each side's SYN. */
    uint8_t wscale[2];        /**< Window scale from each side's SYN (if present). */
    uint8_t flags;            /**< TCPSTATE_FLOW_* bits. */
    uint16_t vlan;            /**< Outermost VLAN id when the key includes it, else 0. */
    uint16_t port[2];         /**< Ports of ORIG and RESP. */
    uint8_t addr[2][16];      /**< Addresses of ORIG and RESP, network order. */
    uint16_t mss[2];          /**< MSS from each side's SYN (if present). */
    uint32_t isn[2];          /**< Initial sequence numbers (midstream: first seen). */
    uint32_t pkts[2];         /**< Packets sent by each side. */
    uint64_t bytes[2];        /**< Payload bytes sent by each side, as the sequence space
                                   advanced (retransmissions not counted twice). */
    uint64_t first_ts;        /**< Timestamp of the first packet. */
    uint64_t last_ts;         /**< Timestamp of the last packet, kept as an offset from
                                   first_ts that is exact below 134 ms and rounds down
                                   by less than 1 us up to 2 minutes (2^-27 relative). */
    uint64_t rtt_syn_synack;  /**< From the latest SYN to the SYN-ACK answering it, ns; 0 if
                                   not measured. Kept in microseconds, exact below 4 ms and
                                   within 0.025% above. */
    uint64_t rtt_synack_ack;  /**< From that SYN-ACK to the ACK completing the handshake, ns,
                                   kept likewise; 0 if not measured. */
} tcpstate_flow_info;

/**
 * @brief Snapshot what the engine knows of a flow.
 *
 * Inside a packet event's callback the flow already reflects the whole
 * segment (states, counters, sequence facts, last_ts): the tracker applies a
 * segment first and the engine then delivers its events in order; each
 * event's before/after give the states around its own step.
 *
 * @param[in]  flow The flow (from a callback or tcpstate_foreach()).
 * @param[out] info Filled in.
 * @return TCPSTATE_OK; TCPSTATE_E_INVAL if either is NULL.
 */
TCPSTATE_API tcpstate_status tcpstate_flow_get_info(const tcpstate_flow *flow,
                                                    tcpstate_flow_info *info);

/**
 * @brief State of one endpoint of a flow.
 * @param[in] flow The flow.
 * @param[in] side TCPSTATE_ORIG or TCPSTATE_RESP.
 * @return The tcpstate_tcp_state; TCPSTATE_CLOSED for a NULL flow or bad side.
 */
TCPSTATE_API tcpstate_tcp_state tcpstate_flow_state(const tcpstate_flow *flow,
                                                    tcpstate_side side);

/**
 * @brief The application's pointer for this flow (NULL until set).
 * @param[in] flow The flow.
 * @return The pointer last set with tcpstate_flow_set_user(), or NULL.
 */
TCPSTATE_API void *tcpstate_flow_user(const tcpstate_flow *flow);

/**
 * @brief Attach the application's pointer to a flow. The engine never dereferences it.
 *
 * Free what it points to in the flow's TCPSTATE_EV_FLOW_END callback.
 *
 * @param[in] flow The flow; ignored if NULL.
 * @param[in] ptr  Any pointer.
 */
TCPSTATE_API void tcpstate_flow_set_user(tcpstate_flow *flow, void *ptr);

/**
 * @brief The flow's inline application bytes (tcpstate_config::flow_user_bytes of them).
 *
 * Zeroed when the flow is created; valid as long as the flow.
 *
 * @param[in] e    The engine that owns the flow.
 * @param[in] flow The flow.
 * @return Pointer to the bytes, 8-byte aligned; NULL if the config reserved none
 *         or an argument is NULL.
 */
TCPSTATE_API void *tcpstate_flow_user_bytes(const tcpstate_engine *e, tcpstate_flow *flow);

/** Zeek conn_state codes, from tcpstate_flow_conn_state(). */
typedef enum tcpstate_conn_state {
    TCPSTATE_CONN_S0 = 0,     /**< Attempt seen, no reply. */
    TCPSTATE_CONN_S1 = 1,     /**< Established, not terminated. */
    TCPSTATE_CONN_SF = 2,     /**< Normal establishment and termination. */
    TCPSTATE_CONN_REJ = 3,    /**< Attempt rejected. */
    TCPSTATE_CONN_S2 = 4,     /**< Established, close attempt by originator only. */
    TCPSTATE_CONN_S3 = 5,     /**< Established, close attempt by responder only. */
    TCPSTATE_CONN_RSTO = 6,   /**< Established, originator aborted (RST). */
    TCPSTATE_CONN_RSTR = 7,   /**< Established, responder aborted. */
    TCPSTATE_CONN_RSTOS0 = 8, /**< Originator sent SYN then RST; no SYN-ACK. */
    TCPSTATE_CONN_RSTRH = 9,  /**< Responder sent SYN-ACK then RST; no SYN seen. */
    TCPSTATE_CONN_SH = 10,    /**< Originator sent SYN then FIN; no SYN-ACK. */
    TCPSTATE_CONN_SHR = 11,   /**< Responder sent SYN-ACK then FIN; no SYN seen. */
    TCPSTATE_CONN_OTH = 12,   /**< No SYN seen, midstream traffic. */
    TCPSTATE_CONN_COUNT = 13  /**< Number of codes; not part of the ABI promise. */
} tcpstate_conn_state;

/**
 * @brief Classify a flow with Zeek's conn_state codes.
 *
 * Needs TCPSTATE_F_HISTORY, which keeps the facts Zeek's classification uses.
 *
 * @param[in]  e    The engine that owns the flow.
 * @param[in]  flow The flow.
 * @param[out] out  The code.
 * @return TCPSTATE_OK; TCPSTATE_E_DISABLED without TCPSTATE_F_HISTORY;
 *         TCPSTATE_E_INVAL for NULL arguments.
 */
TCPSTATE_API tcpstate_status tcpstate_flow_conn_state(const tcpstate_engine *e,
                                                      const tcpstate_flow *flow,
                                                      tcpstate_conn_state *out);

/**
 * @brief Write a flow's Zeek history string (such as "ShADadFf").
 *
 * Letters as Zeek writes them: S syn, H syn-ack, A pure ack, D data, F fin,
 * R rst, C bad checksum, T retransmission, W zero window, I inconsistent
 * flags, Q multi-flag, ^ roles flipped; upper case for the originator, lower
 * for the responder. Needs TCPSTATE_F_HISTORY.
 *
 * @param[in]  e    The engine that owns the flow.
 * @param[in]  flow The flow.
 * @param[out] buf  Receives the NUL-terminated string (truncated to fit).
 * @param[in]  len  Size of @p buf; TCPSTATE_HISTORY_BYTES always suffices.
 * @return TCPSTATE_OK; TCPSTATE_E_DISABLED without TCPSTATE_F_HISTORY;
 *         TCPSTATE_E_INVAL for NULL arguments or @p len 0.
 */
TCPSTATE_API tcpstate_status tcpstate_flow_history(const tcpstate_engine *e,
                                                   const tcpstate_flow *flow, char *buf,
                                                   size_t len);

/**
 * @brief Visitor for tcpstate_foreach().
 * @param[in] user The pointer given to tcpstate_foreach().
 * @param[in] flow A live flow; do not end flows from here.
 * @return 0 to continue, non-zero to stop.
 */
typedef int (*tcpstate_flow_visitor)(void *user, tcpstate_flow *flow);

/**
 * @brief Visit every live flow, oldest activity first within each state class
 *        (to within an aging period, see tcpstate_expire()).
 * @param[in] e    The engine.
 * @param[in] fn   Called once per flow.
 * @param[in] user Passed to @p fn.
 * @return TCPSTATE_OK; TCPSTATE_E_INVAL; TCPSTATE_E_REENTRANT from a callback.
 */
TCPSTATE_API tcpstate_status tcpstate_foreach(tcpstate_engine *e, tcpstate_flow_visitor fn,
                                              void *user);
/** @} */

/**
 * @defgroup stats Statistics and names
 * @brief Counters instead of logs; names for every enum.
 * @{
 */

/** Engine counters, filled by tcpstate_get_stats(). Fields are only ever appended. */
typedef struct tcpstate_stats {
    uint64_t frames;          /**< tcpstate_feed() calls that got past argument checks. */
    uint64_t frames_by_status[TCPSTATE_STATUS_SLOTS]; /**< Index tcpstate_status_index(). */
    uint64_t flows_active;    /**< Flows in the table now. */
    uint64_t flows_peak;      /**< Most flows in the table at once. */
    uint64_t flows_created;   /**< Flows created. */
    uint64_t flows_closed;    /**< Ended TCPSTATE_END_CLOSED. */
    uint64_t flows_reset;     /**< Ended TCPSTATE_END_RESET. */
    uint64_t flows_timed_out; /**< Ended TCPSTATE_END_TIMEOUT. */
    uint64_t flows_evicted;   /**< Ended TCPSTATE_END_EVICTED. */
    uint64_t flows_reused;    /**< Ended TCPSTATE_END_REUSED. */
    uint64_t flows_finished;  /**< Ended TCPSTATE_END_FINISHED. */
    uint64_t flows_dropped;   /**< Ended TCPSTATE_END_DROPPED. */
    uint64_t flows_refused;   /**< New flows refused because the table was full. */
    uint64_t midstream_pickups; /**< Flows created without a handshake. */
    uint64_t midstream_ignored; /**< Frames not tracked because midstream pickup is off. */
    uint64_t rst_out_of_window; /**< RSTs outside the receiver's window (ignored). */
    uint64_t fin_out_of_window; /**< FINs outside the receiver's window (ignored). */
    uint64_t syn_retransmits;   /**< Retransmitted SYNs and SYN-ACKs. */
    uint64_t bad_acks;          /**< SYN-ACKs and ACKs that failed the handshake check. */
    uint64_t time_backwards;    /**< Timestamps older than the newest seen (clamped). */
    uint64_t acks_implausible;  /**< Segments whose ACK acknowledged data the peer never sent,
                                     or lay far behind: ignored (TCPSTATE_EVF_IMPLAUSIBLE). */
    uint64_t seq_out_of_window; /**< Segments (not RST, not SYN) whose sequence number was
                                     outside the receiver's window: ignored. */
    uint64_t rst_inexact;       /**< In-window RSTs not at the exact expected sequence number:
                                     not applied (TCPSTATE_EVF_RST_INEXACT). */
    uint64_t syn_in_synchronized; /**< SYNs with a new ISN on a synchronized connection:
                                       ignored (RFC 5961 §4). */
    uint64_t weak_hash_key;     /**< 1 if the engine's hash key is all zero: anyone can compute
                                     the flow hash and aim collisions at chosen flows. An IDS
                                     should refuse such an engine; see tcpstate_config. */
    /* ---- IP fragment reassembly (issue 8): appended ---- */
    uint64_t frag_seen;         /**< IP fragments offered to reassembly. */
    uint64_t frag_reassembled;  /**< Datagrams completed (and decoded, then tracked once). */
    uint64_t frag_active;       /**< Datagrams waiting for fragments now. */
    uint64_t frag_duplicates;   /**< Fragments whose bytes were all held already, identical
                                     (ignored; the datagram goes on). */
    uint64_t frag_overlaps;     /**< IPv4 fragments overlapping held bytes: the bytes held
                                     first were kept (the datagram is flagged
                                     TCPSTATE_FRAG_OVERLAP). */
    uint64_t frag_drop_overlap; /**< IPv6 datagrams dropped because fragments overlapped
                                     (RFC 5722 §4). */
    uint64_t frag_drop_timeout; /**< Datagrams dropped incomplete after reasm_timeout. */
    uint64_t frag_drop_pool_full; /**< Datagrams dropped, oldest first, to make room for
                                       another, or because no context was left. */
    uint64_t frag_drop_too_big; /**< Datagrams dropped for exceeding 65,535 bytes of IP
                                     payload, the whole byte pool, or 1 KiB of IPv6
                                     unfragmentable headers. */
    uint64_t frag_drop_bad;     /**< Inconsistent fragments: empty, a non-final one whose
                                     length is not a multiple of 8, data past the end a final
                                     fragment set (the datagram is dropped), a second final
                                     fragment with another end, or more holes than tracked. */
    uint64_t frag_drop_truncated; /**< Fragments the capture cut short (not reassembled;
                                       a first fragment with the TCP header is tracked
                                       alone, as with reassembly off). */
} tcpstate_stats;

/**
 * @brief Copy the engine's counters.
 * @param[in]  e   The engine.
 * @param[out] out Filled in.
 * @return TCPSTATE_OK; TCPSTATE_E_INVAL if either is NULL.
 */
TCPSTATE_API tcpstate_status tcpstate_get_stats(const tcpstate_engine *e, tcpstate_stats *out);

/**
 * @brief A one-line description of a status.
 * @param[in] s Any value.
 * @return A static string, never NULL ("unknown tcpstate status" outside the enum;
 *         "TCPSTATE_NO_STRINGS" for every value in a build with that option).
 */
TCPSTATE_API const char *tcpstate_strerror(tcpstate_status s);

/**
 * @brief The identifier of a status, such as "TCPSTATE_E_TRUNCATED".
 * @param[in] s Any value.
 * @return A static string, never NULL ("TCPSTATE_UNKNOWN" outside the enum;
 *         "TCPSTATE_NO_STRINGS" for every value in a build with that option).
 */
TCPSTATE_API const char *tcpstate_status_name(tcpstate_status s);

/**
 * @brief RFC name of a state, such as "SYN_SENT".
 * @param[in] s Any value.
 * @return A static string, never NULL ("UNKNOWN" outside the enum;
 *         "TCPSTATE_NO_STRINGS" for every value in a build with that option).
 */
TCPSTATE_API const char *tcpstate_state_name(tcpstate_tcp_state s);

/**
 * @brief Name of an event kind, such as "SYN-ACK" or "STATE".
 * @param[in] k Any value.
 * @return A static string, never NULL ("UNKNOWN" outside the enum;
 *         "TCPSTATE_NO_STRINGS" for every value in a build with that option).
 */
TCPSTATE_API const char *tcpstate_event_name(tcpstate_event_kind k);

/**
 * @brief Name of a flow-end reason, such as "reset".
 * @param[in] r Any value.
 * @return A static string, never NULL ("unknown" outside the enum;
 *         "TCPSTATE_NO_STRINGS" for every value in a build with that option).
 */
TCPSTATE_API const char *tcpstate_end_reason_name(tcpstate_end_reason r);

/**
 * @brief Zeek's spelling of a conn_state code, such as "RSTOS0".
 * @param[in] c Any value.
 * @return A static string, never NULL ("-" outside the enum;
 *         "TCPSTATE_NO_STRINGS" for every value in a build with that option).
 */
TCPSTATE_API const char *tcpstate_conn_state_name(tcpstate_conn_state c);

/**
 * @brief Version of the loaded library.
 * @return TCPSTATE_VERSION_NUMBER as the library was built.
 */
TCPSTATE_API uint32_t tcpstate_version(void);

/**
 * @brief Version string of the loaded library.
 * @return TCPSTATE_VERSION_STRING as the library was built; static.
 */
TCPSTATE_API const char *tcpstate_version_string(void);
/** @} */

/**
 * @defgroup shard Sharding: one engine per core
 * @brief A keyed, symmetric hash of a raw frame's connection, to spread
 *        frames over several engines.
 *
 * Engines share nothing, so an application scales past one core by running
 * one engine per thread and sending every frame of a connection, in both
 * directions, to the same engine. tcpstate_flow_hash() gives the value to
 * split on: `engine = hash % n_engines`. docs/sharding.md shows the other
 * ways to split (NIC RSS, AF_PACKET fanout, a packet broker).
 * @{
 */

/** tcpstate_flow_hash() flag: hash the address pair only, without the ports.
 *
 * A non-first IP fragment carries no TCP header, so a hash of the 4-tuple
 * cannot place it; with this flag every frame between two hosts (fragments
 * included) gets the same value, so a datagram's fragments meet on one
 * engine, the one of its connection. Engines reassemble fragments
 * (tcpstate_config::reasm_contexts, on by default), so a split that can see
 * fragments needs this flag (or fragments reassembled before the split). The
 * cost is balance: all connections between the same two hosts land on one
 * engine. */
#define TCPSTATE_FLOW_HASH_ADDRS 0x0001u

/** tcpstate_flow_hash() flag: hash the outermost IP address pair (implies
 * TCPSTATE_FLOW_HASH_ADDRS).
 *
 * Traffic inside tunnels can be fragmented outside them: a fragment of the
 * outer datagram shows only the outer addresses, while the unfragmented
 * packets of the same connection show the inner ones. With this flag every
 * frame is placed by its outermost IP header, so everything carried between
 * two tunnel endpoints, fragments included, meets on one engine, and any
 * frame whose outermost IP header decodes gets a hash (TCPSTATE_OK), whatever
 * the decoder found further in. The cost: a tunnel's whole traffic on one
 * engine. */
#define TCPSTATE_FLOW_HASH_OUTER 0x0002u

/**
 * @brief Keyed, direction-independent hash of the connection a frame belongs to.
 *
 * Decodes the frame with tcpstate_decode() (no checksum checks) and hashes
 * the innermost IP/TCP view the decoder gives: the IP version, the two
 * addresses and the two ports, put in a canonical order first, so both
 * directions of a connection give the same value. Every encapsulation the
 * decoder walks (VLAN, MPLS, PPPoE, ...) is thereby looked through: the same
 * connection seen with and without a VLAN tag hashes alike. The hash is
 * SipHash-1-3 under @p key and is domain-separated from the engine's own flow
 * table hash, so sharding by it does not crowd any engine's table buckets
 * even when both use the same key.
 *
 * Non-first IP fragments (TCPSTATE_SKIP_FRAGMENT from the decoder) have no
 * ports: without TCPSTATE_FLOW_HASH_ADDRS they return that status and no
 * hash; with it, they hash like every other frame between the same two
 * addresses. An engine reassembles fragments (unless its reasm_contexts is
 * 0), so it needs all of a datagram's: use the flag when fragments can occur.
 *
 * Pure function: no state, safe from any thread.
 *
 * @param[in]  linktype pcap LINKTYPE_ value of the frame.
 * @param[in]  frame    The frame; read only during the call.
 * @param[in]  caplen   Bytes readable at @p frame.
 * @param[in]  wirelen  Length on the wire (below @p caplen: taken as @p caplen).
 * @param[in]  key      16-byte hash key; the same key for every frame of a
 *                      split. A secret random key keeps an attacker from
 *                      steering many connections to one engine.
 * @param[in]  flags    0, TCPSTATE_FLOW_HASH_ADDRS or TCPSTATE_FLOW_HASH_OUTER.
 * @param[out] out      The hash; written only when TCPSTATE_OK is returned.
 * @return TCPSTATE_OK; TCPSTATE_E_INVAL if @p frame, @p key or @p out is NULL,
 *         @p flags has an unknown bit or @p caplen exceeds UINT32_MAX; otherwise
 *         the decoder's status for the frame (TCPSTATE_SKIP_NOT_IP,
 *         TCPSTATE_SKIP_NOT_TCP, TCPSTATE_SKIP_FRAGMENT, TCPSTATE_E_LINKTYPE,
 *         TCPSTATE_E_TRUNCATED, a malformation error): the frame has no
 *         connection to place, and any engine counts it the same.
 *         TCPSTATE_E_DISABLED, always, in a library built with
 *         TCPSTATE_NO_SHARDING (docs/embedding.md).
 */
TCPSTATE_API tcpstate_status tcpstate_flow_hash(uint32_t linktype, const uint8_t *frame,
                                                size_t caplen, size_t wirelen,
                                                const uint8_t key[16], uint32_t flags,
                                                uint64_t *out) TCPSTATE_WARN_UNUSED;
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* TCPSTATE_H */
