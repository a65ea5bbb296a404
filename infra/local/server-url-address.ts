const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether SERVER_URL names this machine, so the embedded control plane can serve it. */
export function isLocalServerUrl(serverUrl: string): boolean {
  return LOCAL_HOSTNAMES.has(new URL(serverUrl).hostname);
}

/** Where a control plane must listen for workers that call SERVER_URL. */
export function listenAddressOf(serverUrl: string): { host: string; port: number } {
  const url = new URL(serverUrl);
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
  return { host, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}
