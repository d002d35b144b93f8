/* drivers/virtio_regs.h - virtio 1.x (and legacy 0.9.5) layouts and bits
 * used by virtio_pci.c, virtio_ring.c and virtio_blk.c.  Section numbers
 * are from "Virtual I/O Device (VIRTIO) Version 1.2". */
#ifndef DRIVERS_VIRTIO_REGS_H
#define DRIVERS_VIRTIO_REGS_H
#include <stdint.h>

#define VIRTIO_PCI_VENDOR            0x1af4
#define VIRTIO_PCI_DEVICE_BLK_LEGACY 0x1001 /* transitional (4.1.2.1) */
#define VIRTIO_PCI_DEVICE_BLK_MODERN 0x1042 /* 0x1040 + device id 2 */

/* Device status (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE  1
#define VIRTIO_STATUS_DRIVER       2
#define VIRTIO_STATUS_DRIVER_OK    4
#define VIRTIO_STATUS_FEATURES_OK  8
#define VIRTIO_STATUS_NEEDS_RESET  64
#define VIRTIO_STATUS_FAILED       128

/* Feature bits (6; 5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX  1
#define VIRTIO_BLK_F_SEG_MAX   2
#define VIRTIO_BLK_F_RO        5
#define VIRTIO_BLK_F_BLK_SIZE  6
#define VIRTIO_BLK_F_FLUSH     9
#define VIRTIO_F_VERSION_1     32
#define VIRTIO_F_ACCESS_PLATFORM 33

/* PCI capability (4.1.4): cap_vndr, cap_next, cap_len, cfg_type, bar, id, pad[2], offset, length. */
#define VIRTIO_PCI_CAP_CFG_TYPE 3
#define VIRTIO_PCI_CAP_BAR      4
#define VIRTIO_PCI_CAP_OFFSET   8
#define VIRTIO_PCI_CAP_LENGTH   12
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16 /* notify_off_multiplier */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4

/* Common configuration structure (4.1.4.3). */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select; /* 0x00 read-write */
	uint32_t device_feature;        /* 0x04 read-only */
	uint32_t driver_feature_select; /* 0x08 read-write */
	uint32_t driver_feature;        /* 0x0c read-write */
	uint16_t config_msix_vector;    /* 0x10 read-write */
	uint16_t num_queues;            /* 0x12 read-only */
	uint8_t  device_status;         /* 0x14 read-write */
	uint8_t  config_generation;     /* 0x15 read-only */
	uint16_t queue_select;          /* 0x16 read-write */
	uint16_t queue_size;            /* 0x18 read-write */
	uint16_t queue_msix_vector;     /* 0x1a read-write */
	uint16_t queue_enable;          /* 0x1c read-write */
	uint16_t queue_notify_off;      /* 0x1e read-only */
	uint64_t queue_desc;            /* 0x20 read-write */
	uint64_t queue_driver;          /* 0x28 read-write */
	uint64_t queue_device;          /* 0x30 read-write */
};
_Static_assert(sizeof(struct virtio_pci_common_cfg) == 0x38, "virtio common cfg layout");
_Static_assert(__builtin_offsetof(struct virtio_pci_common_cfg, queue_desc) == 0x20, "queue_desc");
#define VIRTIO_NO_VECTOR 0xffff

/* Legacy I/O BAR 0 registers (4.1.4.10), without MSI-X (we disable it). */
#define VIRTIO_LEGACY_HOST_FEATURES  0x00 /* u32 */
#define VIRTIO_LEGACY_GUEST_FEATURES 0x04 /* u32 */
#define VIRTIO_LEGACY_QUEUE_PFN      0x08 /* u32, ring address >> 12 */
#define VIRTIO_LEGACY_QUEUE_SIZE     0x0c /* u16 */
#define VIRTIO_LEGACY_QUEUE_SELECT   0x0e /* u16 */
#define VIRTIO_LEGACY_QUEUE_NOTIFY   0x10 /* u16 */
#define VIRTIO_LEGACY_STATUS         0x12 /* u8 */
#define VIRTIO_LEGACY_ISR            0x13 /* u8 */
#define VIRTIO_LEGACY_DEVICE_CFG     0x14 /* device config, MSI-X off */
#define VIRTIO_LEGACY_PFN_SHIFT      12
#define VIRTIO_LEGACY_RING_ALIGN     4096

/* Split virtqueue (2.7). */
struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc layout");
#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2 /* device writes this buffer */

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};
struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};
_Static_assert(sizeof(struct vring_used_elem) == 8, "vring_used_elem layout");

/* virtio-blk (5.2). */
struct virtio_blk_config {
	uint64_t capacity;  /* 0x00 in 512-byte sectors */
	uint32_t size_max;  /* 0x08 */
	uint32_t seg_max;   /* 0x0c */
	uint32_t geometry;  /* 0x10 */
	uint32_t blk_size;  /* 0x14 */
};
_Static_assert(__builtin_offsetof(struct virtio_blk_config, blk_size) == 0x14, "virtio-blk config");

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio-blk request header");
#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_SECTOR   512

#endif
