// sts:DecodeAuthorizationMessage, which moto 5.2.1 does not implement (it authenticates and
// authorises the call, then answers "not implemented"). The gateway answers with the query
// protocol's shape (botocore sts/2011-06-15: DecodeAuthorizationMessageResult/DecodedMessage, a
// JSON string). A message this sandbox did not encode is 400 InvalidAuthorizationMessageException
// (the error the STS model lists for this operation; AWS's exact text is unverified).
import type { AuthMessages } from '../auth-messages.ts';
import { xmlEscape, type AwsError } from '../envelope.ts';
import type { ParsedRequest } from '../request.ts';

export function isDecodeAuthorizationMessage(req: ParsedRequest): boolean {
  return req.service === 'sts' && req.action === 'DecodeAuthorizationMessage';
}

export function decodeAuthorizationMessage(
  req: ParsedRequest,
  messages: AuthMessages,
  requestId: string,
): { body: string } | { error: AwsError } {
  const decision = messages.decode(req.params.get('EncodedMessage') ?? '');
  if (!decision) {
    return {
      error: {
        status: 400,
        code: 'InvalidAuthorizationMessageException',
        message: 'The encoded authorization message is invalid or was not issued by this account.',
      },
    };
  }
  return {
    body:
      '<DecodeAuthorizationMessageResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
      '  <DecodeAuthorizationMessageResult>\n' +
      `    <DecodedMessage>${xmlEscape(JSON.stringify(decision))}</DecodedMessage>\n` +
      '  </DecodeAuthorizationMessageResult>\n' +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
      '</DecodeAuthorizationMessageResponse>\n',
  };
}
