/** A DATE column comes back as midnight UTC; the API speaks `YYYY-MM-DD`. */
export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
