// moto answers its own crashes (and operations it does not implement) with an HTML 500 page or a
// traceback. AWS answers 500 InternalFailure "The request processing has failed because of an
// unknown error, exception or failure." in the service's envelope, and never leaks internals.
import type { ErrorFix } from './types.ts';

export const internalFailure: ErrorFix = ({ req }, answer) => {
  if (answer.status < 500 || (answer.code && !/<html|Traceback/i.test(answer.body)))
    return undefined;
  return {
    status: 500,
    type: 'Receiver',
    code: 'InternalFailure',
    message:
      'The request processing has failed because of an unknown error, exception or failure. ' +
      `(The sandbox engine could not process ${req.service ?? 'this service'}:${req.action ?? 'this request'}; ` +
      'it may not implement it. See the engine log in the sandbox state directory.)',
  };
};
