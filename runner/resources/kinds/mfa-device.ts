// A virtual MFA device, by serial number (its ARN). Deactivated (if assigned to a user) before
// it is deleted: https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html
import {
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  ListVirtualMFADevicesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { str } from './iam-user.ts';
import type { ResourceKind } from '../types.ts';

async function allDevices(iam: IAMClient) {
  const out: { SerialNumber?: string; User?: { UserName?: string }; EnableDate?: Date }[] = [];
  let Marker: string | undefined;
  do {
    const r = await iam.send(new ListVirtualMFADevicesCommand({ Marker }));
    out.push(...(r.VirtualMFADevices ?? []));
    Marker = r.IsTruncated ? r.Marker : undefined;
  } while (Marker);
  return out;
}

export const mfaDevice: ResourceKind = {
  kind: 'mfa-device',
  noun: 'virtual MFA device',
  order: 20,
  identity: [],
  createdBy: [
    {
      event: 'CreateVirtualMFADevice',
      name: (e) => {
        const n = str(e.requestParameters?.virtualMFADeviceName);
        const account = e.callerArn?.split(':')[4];
        const path = str(e.requestParameters?.path) ?? '/';
        return n && account ? `arn:aws:iam::${account}:mfa${path}${n}` : undefined;
      },
    },
  ],
  async lookup(ctx, serial) {
    const d = (await allDevices(ctx.clients.iam)).find((x) => x.SerialNumber === serial);
    return d && { ids: { user: d.User?.UserName ?? '' } };
  },
  async delete(ctx, SerialNumber) {
    const iam = ctx.clients.iam;
    const d = (await allDevices(iam)).find((x) => x.SerialNumber === SerialNumber);
    if (!d) return;
    if (d.User?.UserName)
      await ignoreGone(
        iam.send(new DeactivateMFADeviceCommand({ UserName: d.User.UserName, SerialNumber })),
      );
    await ignoreGone(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })));
  },
  async snapshot(ctx) {
    return (await allDevices(ctx.clients.iam)).map(
      (d) => `MFA device ${d.SerialNumber}${d.User?.UserName ? ` of ${d.User.UserName}` : ''}`,
    );
  },
  describe: (serial) => `virtual MFA device ${serial}`,
};
