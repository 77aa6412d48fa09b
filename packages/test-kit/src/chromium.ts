/**
 * Launch options for Debian's headless Chromium (playwright-core's `chromium.launch`): no sandbox (tests run as
 * root), and none of the background traffic that this machine's closed network would refuse.
 */
export function headlessChromium(extraArgs: readonly string[] = []): { executablePath: string; args: string[] } {
  return {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  };
}
