/**
 * The specification this package implements.
 *
 * Devicetree Specification, release v0.4 (devicetree.org), chapter 5
 * "Flattened Devicetree (DTB) Format". Status: released.
 */
export const FDT_SPEC = {
  name: 'Devicetree Specification',
  version: 'v0.4',
  chapter: '5 Flattened Devicetree (DTB) Format',
  status: 'ratified',
} as const;
