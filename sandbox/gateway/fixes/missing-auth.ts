// f. A request without credentials. AWS answers 403 MissingAuthenticationToken ("Request is
// missing Authentication Token"); moto 5.2.1 crashes on the missing Authorization header
// (KeyError in moto/iam/access_control.py) and returns an HTML 500 page.
// A present but unparseable SigV4 header gets AWS's 400 IncompleteSignature instead.
import type { PreCheck } from './types.ts';

export const missingAuth: PreCheck = ({ req }) => {
  const auth = req.headers['authorization'];
  if (!auth && !req.signed) {
    return {
      status: 403,
      code: 'MissingAuthenticationToken',
      message: 'Request is missing Authentication Token',
    };
  }
  if (!req.accessKeyId) {
    return {
      status: 400,
      code: 'IncompleteSignature',
      message: `Authorization header requires 'Credential' parameter. Authorization=${String(auth).split(' ')[0]}`,
    };
  }
  return undefined;
};
