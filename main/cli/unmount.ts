/** Confirmations that name every volume --unmount will unmount before the drive is written. */
import type { ChosenDrive } from '../core/target';

/** "Erase everything on" as it is, or "Unmount /media/tech/STICK, then erase everything on" when volumes will be unmounted first. */
export function withUnmounts(chosen: readonly ChosenDrive[], action: string): string {
  const mounts = chosen.flatMap((drive) => drive.assessment.unmount ?? []);
  return mounts.length === 0 ? action : `Unmount ${mounts.join(', ')}, then ${action.charAt(0).toLowerCase()}${action.slice(1)}`;
}
