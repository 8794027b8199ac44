// Entry of a benchmark child process (see child.ts): runs one exported function and reports.
process.once('message', async (msg: { module: string; fn: string; args: unknown }) => {
  try {
    const mod = await import(msg.module);
    const result = await mod[msg.fn](msg.args);
    process.send!({ ok: true, result, maxRssKb: process.resourceUsage().maxRSS }, () => process.exit(0));
  } catch (e: any) {
    process.send!({ ok: false, error: String(e?.message ?? e), stack: e?.stack }, () => process.exit(1));
  }
});
