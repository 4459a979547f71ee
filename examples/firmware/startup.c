/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal Cortex-M4 start-up for running examples/firmware_static.c under
 * qemu-system-arm -M mps2-an386 (see tests/cross/run.sh and
 * docs/embedding.md): vector table, .data/.bss set-up, the divide-by-zero
 * trap, then main(); its status leaves QEMU through semihosting. The example
 * calls board_strict_alignment(1) around its use of the library, which sets
 * CCR.UNALIGN_TRP. Any fault (an unaligned load or store included) ends the
 * run with status 99.
 *
 * With the trap on, everything must avoid unaligned accesses: the code is
 * built with -mno-unaligned-access, and memcpy/memset/memcmp (the only libc
 * functions tcpstate calls) are defined here byte by byte, because newlib's
 * ARMv7-M memcpy moves halfwords and words at any address (it assumes the
 * core allows it, as it does by default). Build this file with
 * -fno-tree-loop-distribute-patterns so the loops stay loops.
 */
#include <stddef.h>
#include <stdint.h>

extern uint32_t _fw_data, _fw_edata, _fw_data_load, _fw_bss, _fw_ebss, _fw_stack_top;
int main(void);
void initialise_monitor_handles(void); /* newlib rdimon: stdio over semihosting */
void fw_reset(void);
void fw_fault(void);

#define SCB_CCR           (*(volatile uint32_t *)0xE000ED14u)
#define CCR_UNALIGN_TRP   (1u << 3)
#define CCR_DIV_0_TRP     (1u << 4)
#define SYS_WRITE0        0x04u
#define SYS_EXIT          0x18u
#define ADP_EXIT_OK       0x20026u /* ADP_Stopped_ApplicationExit */
#define ADP_EXIT_ERROR    0x20024u /* ADP_Stopped_InternalError */
#define SYS_EXIT_EXTENDED 0x20u

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n-- != 0) {
        *d++ = *s++;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n-- != 0) {
        *d++ = (uint8_t)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n != 0; n--, x++, y++) {
        if (*x != *y) {
            return *x < *y ? -1 : 1;
        }
    }
    return 0;
}

static uint32_t semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void fw_exit(int status)
{
    const uint32_t block[2] = {ADP_EXIT_OK, (uint32_t)status};
    semihost(SYS_EXIT_EXTENDED, block);
    semihost(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? ADP_EXIT_OK : ADP_EXIT_ERROR));
    for (;;) {
    }
}

void board_strict_alignment(int on);
void board_strict_alignment(int on)
{
    SCB_CCR = on ? SCB_CCR | CCR_UNALIGN_TRP : SCB_CCR & ~CCR_UNALIGN_TRP;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

void fw_fault(void)
{
    semihost(SYS_WRITE0, "firmware: fault (unaligned access, bad address or division by zero)\n");
    fw_exit(99);
}

void fw_reset(void)
{
    uint32_t *src = &_fw_data_load;
    for (uint32_t *dst = &_fw_data; dst < &_fw_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_fw_bss; dst < &_fw_ebss;) {
        *dst++ = 0;
    }
    SCB_CCR |= CCR_DIV_0_TRP;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    initialise_monitor_handles();
    fw_exit(main());
}

/* Initial stack pointer, reset, then NMI .. SysTick: every fault ends the run. */
__attribute__((section(".vectors"), used)) static const uintptr_t vectors[16] = {
    (uintptr_t)&_fw_stack_top,
    (uintptr_t)fw_reset,
    (uintptr_t)fw_fault,
    (uintptr_t)fw_fault,
    (uintptr_t)fw_fault,
    (uintptr_t)fw_fault,
    (uintptr_t)fw_fault,
    0,
    0,
    0,
    0,
    (uintptr_t)fw_fault,
    (uintptr_t)fw_fault,
    0,
    (uintptr_t)fw_fault,
    (uintptr_t)fw_fault,
};
