/**
 * The end user's operating system as a person names it ("Windows 11", "macOS 14", "ChromeOS",
 * "Ubuntu Linux"), for the ticket's host details. The user-agent string alone cannot tell
 * Windows 10 from 11 or give the real macOS version (browsers froze both), so the platform
 * version from User-Agent Client Hints is used when the browser offers it; without it the
 * name stays as precise as the evidence ("Windows", "macOS").
 */
export function describeOs(userAgent: string, platformVersion?: string | null): string | null {
  const ua = userAgent;
  const major = platformVersion ? Number.parseInt(platformVersion, 10) : Number.NaN;
  const known = Number.isFinite(major);

  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Android/.test(ua)) {
    const version = /Android (\d+(?:\.\d+)?)/.exec(ua)?.[1];
    return version ? `Android ${version}` : 'Android';
  }
  const ios = /(iPhone|iPad|iPod).*? OS (\d+)(?:_(\d+))?/.exec(ua);
  if (ios) return `${ios[1] === 'iPad' ? 'iPadOS' : 'iOS'} ${ios[2]}${ios[3] && ios[3] !== '0' ? `.${ios[3]}` : ''}`;
  const windows = /Windows NT (\d+\.\d+)/.exec(ua);
  if (windows) {
    const nt = windows[1];
    if (nt === '10.0') {
      // Client Hints: platformVersion 13 and up is Windows 11, 1 to 10 is Windows 10.
      if (known) return major >= 13 ? 'Windows 11' : 'Windows 10';
      return 'Windows';
    }
    const older: Record<string, string> = { '6.3': 'Windows 8.1', '6.2': 'Windows 8', '6.1': 'Windows 7' };
    return older[nt!] ?? 'Windows';
  }
  if (/Macintosh|Mac OS X/.test(ua)) {
    if (known && major >= 11) return `macOS ${major}`;
    const mac = /Mac OS X (\d+)[_.](\d+)/.exec(ua);
    // 10_15_7 is what every browser has reported since 2020, whatever the real version.
    if (mac && !(mac[1] === '10' && mac[2] === '15')) return `macOS ${mac[1]}.${mac[2]}`;
    return 'macOS';
  }
  if (/Linux|X11/.test(ua)) {
    for (const distro of ['Ubuntu', 'Fedora', 'Debian', 'Mint', 'openSUSE', 'Arch']) {
      if (ua.includes(distro)) return `${distro} Linux`;
    }
    return 'Linux';
  }
  return null;
}

type UserAgentData = { getHighEntropyValues?: (hints: string[]) => Promise<{ platformVersion?: string }> };

/** The browser's OS name, asking Client Hints for the platform version where they exist. */
export async function readBrowserOs(nav: Navigator): Promise<string | null> {
  const data = (nav as Navigator & { userAgentData?: UserAgentData }).userAgentData;
  let platformVersion: string | undefined;
  try {
    platformVersion = (await data?.getHighEntropyValues?.(['platformVersion']))?.platformVersion;
  } catch {
    // A browser may refuse high-entropy hints: the user-agent string still names the OS.
  }
  return describeOs(nav.userAgent, platformVersion);
}
