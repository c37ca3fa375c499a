export { Phrony, fileRefFromObjectKey, leafNameFromObjectKey } from "./client.js";
export type { PhronyClientOptions, RunMessagePath } from "./client.js";
export { PhronyAPIError } from "./errors.js";
export { parseSSEStream } from "./sse.js";
export type { StreamEvent, StreamEventKind } from "./sse.js";
export type {
  AcceptMessageResponse,
  ConversationItemContentNarrow,
  ConversationItemType,
  ConversationQuery,
  ConversationResponse,
  ConversationRunSummary,
  ConversationSession,
  ConversationTimelineItem,
  EngineStepContentStanza,
  FinalizeRequest,
  FinalizeResponse,
  JsonObject,
  JsonValue,
  ListSessionsQuery,
  ListSessionsResponse,
  LlmRequestPreparedContent,
  OutputStepContent,
  PhronyFileMessageAttachment,
  PresignRequest,
  PresignResponse,
  ReasoningStepContent,
  RunCompletedItemContent,
  RunStatus,
  SendRunMessageBody,
  SessionCompletedItemContent,
  SessionListItem,
  SessionStartContext,
  StartRunResponse,
  ToolCallStepContent,
  ToolResultPayload,
  ToolResultStepContent,
} from "./types.js";
