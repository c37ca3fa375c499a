// Runs the SDK's own client (compiled from src/) against a simulator; prints one JSON line.
// Usage: node drive.mjs SDK_INDEX_JS BASE_URL API_KEY AGENTS_JSON
const [sdkPath, base, key, agentsJson] = process.argv.slice(2);
const { Phrony, PhronyAPIError, fileRefFromObjectKey } = await import(sdkPath);
const agents = JSON.parse(agentsJson);
const phrony = new Phrony({ apiKey: key, baseUrl: base + "/" });
const out = {};

async function until(runId, wanted) {
  for (let i = 0; i < 1000; i++) {
    const conv = await phrony.getConversation(runId, { stepContent: "slim" });
    if (conv.session.status === wanted) return conv;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`run ${runId} never reached ${wanted}`);
}

const approval = await phrony.startRun(agents.approval);
let conv = await until(approval.runId, "WaitingForHITL");
const task = conv.items.find((i) => i.type === "UserTaskReq" && i.content.status === "Pending");
out.answer = await phrony.sendRunMessage(approval.runId, {
  userTaskId: task.content.user_task_id,
  approved: true,
});
conv = await until(approval.runId, "Completed");
out.run = await phrony.getRun(approval.runId);
out.fullTypes = (await phrony.getConversation(approval.runId)).items.map((i) => i.type);
out.waitingListed = (await phrony.listSessions(agents.approval, { take: 5, status: "WaitingForHITL" })).total;

const timer = await phrony.startRun(agents.timer, { input: { seconds: 600 } });
await until(timer.runId, "WaitingForTimer");
out.skip = await phrony.skipAgentWaitTimer(timer.runId);

const upload = await phrony.uploadWorkspaceFile({
  filename: "notes.txt",
  mediaType: "text/plain",
  data: new TextEncoder().encode("hello"),
});
out.finalize = upload.finalize;
const withFile = await phrony.startRun(agents.chat, {
  input: { doc: fileRefFromObjectKey(upload.presign.objectKey, "text/plain") },
});
out.withFile = withFile.status;
try {
  await phrony.startRun(agents.chat, {
    input: { doc: { phronyFile: true, filename: "missing.txt", mediaType: "text/plain" } },
  });
} catch (error) {
  out.missingFile = [error instanceof PhronyAPIError, error.status, JSON.parse(error.body).code];
}
try {
  await new Phrony({ apiKey: "phk_wrong", baseUrl: base }).getRun(approval.runId);
} catch (error) {
  out.unauthorized = error.status;
}

const hose = await phrony.startRun(agents.firehose, { input: { count: 25, wait_for_stream: 30 } });
const events = [];
for await (const event of phrony.streamRunEvents(hose.runId)) {
  events.push(`${event.kind} ${event.subject}`);
}
out.events = events;
console.log(JSON.stringify(out));
