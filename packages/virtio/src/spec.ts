/** The specification this package implements. */
export const VIRTIO_SPEC = {
  document: 'Virtual I/O Device (VIRTIO) Version 1.2',
  version: '1.2',
  status: 'ratified',
} as const;
