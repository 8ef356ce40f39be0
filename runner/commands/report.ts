import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';
import { color } from '../ui.ts';

// `lab report`: the instructor's class report from a class server, in a
// terminal table, CSV, JSON or a standalone HTML page. --verify re-checks each
// learner's steps in the shared class account instead of trusting the reports.
export default defineCommand({
  meta: { name: 'report', description: 'Class progress report (instructor token required)' },
  args: {
    lab: { type: 'positional', description: 'Only this lab (default: every lab)', required: false },
    class: { type: 'string', description: 'Class server URL (or LAB_CLASS_URL)' },
    format: { type: 'string', description: 'table (default), csv, json or html', default: 'table' },
    json: {
      type: 'boolean',
      description: 'Same as --format json (and errors as {"error": …}, like every --json)',
    },
    token: {
      type: 'string',
      description: 'Instructor token (prefer LAB_CLASS_TOKEN: arguments show up in `ps`)',
    },
    verify: {
      type: 'boolean',
      description: 'Re-check every learner in the shared class account (needs --profile)',
    },
    profile: { type: 'string', description: "With --verify: the instructor's AWS profile" },
    region: { type: 'string', description: 'With --verify: the region (default from the profile)' },
  },
  async run({ args }) {
    const url = args.class ?? process.env.LAB_CLASS_URL;
    const token = args.token ?? process.env.LAB_CLASS_TOKEN;
    let format = String(args.format);
    if (args.json) {
      // `--format` defaults to table, so only another explicit format can clash.
      if (format !== 'table' && format !== 'json') {
        throw new LabError('usage', `--json and --format ${format} ask for two formats.`);
      }
      format = 'json';
    }
    if (!['table', 'csv', 'json', 'html'].includes(format)) {
      throw new LabError('usage', `--format ${format} is not one of table, csv, json, html.`);
    }
    if (!url) {
      throw new LabError('usage', 'Which class server? Pass --class <url> (or set LAB_CLASS_URL).');
    }
    if (!token) {
      throw new LabError(
        'class_token_missing',
        'A report needs the instructor token.',
        'Set LAB_CLASS_TOKEN to the token `lab class create` printed (or pass --token).',
      );
    }
    if (args.verify && !args.profile) {
      throw new LabError(
        'usage',
        '--verify needs --profile <instructor profile> for the class account.',
      );
    }
    const { ClassClient } = await import('../class/client.ts');
    const client = new ClassClient({ url, token });
    const me = await client.me();
    if (me.role !== 'instructor') {
      throw new LabError(
        'class_forbidden',
        'This is a learner token; reports need the instructor token.',
        'Use the token `lab class create` printed.',
      );
    }
    let report = await client.report(me.classId, args.lab);
    if (args.verify) {
      const { verifyReport } = await import('../class/verify.ts');
      report = await verifyReport(report, {
        profile: args.profile!,
        region: args.region,
        env: process.env,
        log: (l) => process.stderr.write(l + '\n'),
      });
    }
    if (format === 'json') {
      console.log(JSON.stringify(report, null, 2));
    } else if (format === 'csv') {
      const { reportCsv } = await import('../class/render/csv.ts');
      process.stdout.write(reportCsv(report));
    } else if (format === 'html') {
      const { dashboardHtml } = await import('../class/render/html.ts');
      const base = `${client.base}/class/${me.classId}`;
      process.stdout.write(
        dashboardHtml(
          report,
          {
            csv: `${base}/report.csv${args.lab ? `?lab=${encodeURIComponent(args.lab)}` : ''}`,
            lab: (l) => `${base}/dashboard?lab=${encodeURIComponent(l)}`,
          },
          'report',
        ),
      );
    } else {
      const { reportTable } = await import('../class/render/table.ts');
      process.stdout.write(reportTable(report, color));
    }
  },
});
