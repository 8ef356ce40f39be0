// CloudTrail writes the dates inside IAM's responseElements the way IAM's Java service prints
// them, not in ISO 8601: CreateAccessKey's `"createDate": "Jul 30, 2024 9:53:13 PM"`
// (DataDog/stratus-red-team docs/attack-techniques/AWS/aws.persistence.iam-backdoor-user.md,
// a captured event). UTC, month abbreviated, day without padding, 12-hour clock.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function javaDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ` +
    `${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
  );
}
