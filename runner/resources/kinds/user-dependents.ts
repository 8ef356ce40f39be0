// IAM refuses DeleteUser while anything hangs off the user (DeleteConflict), so remove those
// first: managed and inline policies, group memberships, the console password, access keys
// (deactivated first), MFA devices. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  RemoveUserFromGroupCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';

export async function deleteUser(iam: IAMClient, UserName: string): Promise<void> {
  const attached = await ignoreGone(iam.send(new ListAttachedUserPoliciesCommand({ UserName })));
  if (!attached) return; // the user is already gone
  for (const p of attached.AttachedPolicies ?? []) {
    await ignoreGone(iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: p.PolicyArn })));
  }
  const inline = await ignoreGone(iam.send(new ListUserPoliciesCommand({ UserName })));
  for (const PolicyName of inline?.PolicyNames ?? []) {
    await ignoreGone(iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName })));
  }
  const groups = await ignoreGone(iam.send(new ListGroupsForUserCommand({ UserName })));
  for (const g of groups?.Groups ?? []) {
    await ignoreGone(
      iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: g.GroupName })),
    );
  }
  // Only a password that exists is deleted: a blind DeleteLoginProfile fails with NoSuchEntity,
  // an error event in the account's history (GetLoginProfile is a read, not an event).
  if (await ignoreGone(iam.send(new GetLoginProfileCommand({ UserName })))) {
    await ignoreGone(iam.send(new DeleteLoginProfileCommand({ UserName })));
  }
  const keys = await ignoreGone(iam.send(new ListAccessKeysCommand({ UserName })));
  for (const k of keys?.AccessKeyMetadata ?? []) {
    const AccessKeyId = k.AccessKeyId;
    await ignoreGone(
      iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId, Status: 'Inactive' })),
    );
    await ignoreGone(iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId })));
  }
  const mfa = await ignoreGone(iam.send(new ListMFADevicesCommand({ UserName })));
  for (const d of mfa?.MFADevices ?? []) {
    await ignoreGone(
      iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: d.SerialNumber })),
    );
  }
  await ignoreGone(iam.send(new DeleteUserCommand({ UserName })));
}

/** Every user name in the account (snapshots of per-user kinds walk them). */
export async function allUserNames(iam: IAMClient): Promise<string[]> {
  const names: string[] = [];
  let Marker: string | undefined;
  do {
    const r = await iam.send(new ListUsersCommand({ Marker }));
    names.push(...(r.Users ?? []).map((u) => u.UserName!));
    Marker = r.IsTruncated ? r.Marker : undefined;
  } while (Marker);
  return names.sort();
}
