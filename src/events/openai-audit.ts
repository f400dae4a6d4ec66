import type { Event } from '../domain/index.js';
import { at, contentId, num, type Obj, obj, str } from './fields.js';

/** The event's own payload: the API names it after the type (`"api_key.created": {…}`); Panther's fixtures use `api_key_created`. */
function payloadOf(raw: Obj, type: string): Obj | undefined {
  return obj(raw[type]) ?? obj(raw[type.replaceAll('.', '_')]);
}

/**
 * One OpenAI organization audit-log item (`GET /v1/organization/audit_logs`) → Event. The actor is
 * the session user (email, IP, user agent) or the API key that acted (its owner or service
 * account); the target is the project and the object the event names. `*.failed` types are failures.
 */
export function openAiAuditToEvent(raw: Obj): Event {
  const type = str(raw.type) ?? '';
  const actor = obj(raw.actor);
  const session = obj(actor?.session);
  const key = obj(actor?.api_key);
  const payload = payloadOf(raw, type);
  const email = str(at(session, 'user', 'email')) ?? str(at(key, 'user', 'email'));
  const seconds = num(raw.effective_at);
  const failed = type.endsWith('.failed');
  return {
    id: str(raw.id) ?? contentId(raw),
    time: seconds !== undefined ? new Date(seconds * 1000).toISOString() : new Date(0).toISOString(),
    source: 'openai.audit',
    actor: {
      id:
        email ??
        str(at(session, 'user', 'id')) ??
        str(at(key, 'user', 'id')) ??
        str(at(key, 'service_account', 'id')) ??
        str(key?.id),
      type: str(actor?.type),
      name: email,
      accessKeyId: str(key?.id),
      sourceIp: str(session?.ip_address),
      userAgent: str(session?.user_agent),
    },
    action: { service: 'api.openai.com', operation: type, readOnly: false },
    target: {
      account: str(at(raw, 'project', 'id')),
      resources: str(payload?.id) ? [str(payload?.id) as string] : [],
    },
    outcome: {
      ok: !failed,
      errorCode: failed ? (str(payload?.error_code) ?? 'failed') : undefined,
      errorMessage: failed ? str(payload?.error_message) : undefined,
    },
    raw,
  };
}
