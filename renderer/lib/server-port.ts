// The UDP port of an account's server, for hints that depend on it (Wireshark decodes IAX2 on 4569 only).

/** "host" → 4569, "host:port" → port, "[v6]:port" → port, "[v6]" → 4569. */
export function serverPort(server: string): number {
  const m = /^(?:\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(server.trim());
  return m ? Number(m[1]) : 4569;
}
