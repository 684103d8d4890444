/** The default module set, built from one platform object. */
import { dbcn } from './extensions/dbcn';
import type { SbiConsoleHost } from './extensions/dbcn';
import { fwft } from './extensions/fwft';
import type { SbiFwftHost } from './extensions/fwft';
import { hsm } from './extensions/hsm';
import type { SbiHsmHost } from './extensions/hsm';
import type { SbiIpiHost } from './extensions/ipi';
import { ipi } from './extensions/ipi';
import { legacyExtension } from './extensions/legacy';
import type { SbiLegacyHost } from './extensions/legacy';
import { experimental, vendor } from './extensions/ranges';
import { rfence } from './extensions/rfence';
import type { SbiRfenceHost } from './extensions/rfence';
import { srst } from './extensions/srst';
import type { SbiResetHost } from './extensions/srst';
import { sta } from './extensions/sta';
import { susp } from './extensions/susp';
import type { SbiSystemSuspendHost } from './extensions/susp';
import { time } from './extensions/time';
import type { SbiTimerHost } from './extensions/time';
import { base } from './extensions/base';
import { pmu } from './extensions/pmu';
import type { SbiExtension, SbiGuestMemory } from './types';

/** Everything the standard modules need from a platform, in one object. */
export interface SbiPlatform
  extends SbiLegacyHost, SbiTimerHost, SbiIpiHost, SbiRfenceHost, SbiHsmHost, SbiResetHost, SbiConsoleHost, SbiSystemSuspendHost {
  readonly memory: SbiGuestMemory;
  /** FWFT features the platform really implements (none by default). */
  readonly fwftFeatures?: SbiFwftHost;
}

/**
 * BASE, legacy, TIME, IPI, RFENCE, HSM, SRST, PMU (firmware counters of the
 * events these modules see; no hardware counters), DBCN, SUSP, STA, FWFT and
 * the (empty) experimental/vendor ranges.
 */
export function standardExtensions(platform: SbiPlatform): SbiExtension[] {
  return [
    base(),
    legacyExtension(platform),
    time(platform),
    ipi(platform),
    rfence(platform),
    hsm(platform),
    srst(platform),
    pmu(platform.memory),
    dbcn(platform, platform.memory),
    susp(platform),
    sta(platform.memory),
    fwft(platform.fwftFeatures ?? {}),
    experimental(),
    vendor(),
  ];
}
