/** An entry as a format states it, before validation. Strings are untrimmed source text. */
export interface RawEntry {
  host: string;
  port: string | number;
  protocol?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  tags?: Record<string, string> | undefined;
}
