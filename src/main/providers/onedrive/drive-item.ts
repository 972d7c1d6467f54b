import type { Checksum } from '../../uploads/uploader.ts'

/** The fields of a Graph driveItem this provider reads. */
export interface DriveItem {
  id: string
  name: string
  size: number
  lastModifiedDateTime?: string
  folder?: { childCount?: number }
  file?: { hashes?: { sha256Hash?: string; sha1Hash?: string; quickXorHash?: string } }
}

/** The name uploads and listings record QuickXorHash under. */
export const QUICK_XOR = 'quickxorhash'

/**
 * The checksum OneDrive keeps for a file: SHA-256 where it reports one (personal drives, as
 * lower-case hex like every other provider's), otherwise QuickXorHash (business drives), else
 * SHA-1 (Graph gives each hash "if available"; personal drives reported sha1Hash first).
 */
export function reportedChecksum(item: DriveItem): Checksum | undefined {
  const hashes = item.file?.hashes
  if (hashes?.sha256Hash) return { algorithm: 'sha256', value: hashes.sha256Hash.toLowerCase() }
  if (hashes?.quickXorHash) return { algorithm: QUICK_XOR, value: hashes.quickXorHash }
  if (hashes?.sha1Hash) return { algorithm: 'sha1', value: hashes.sha1Hash.toLowerCase() }
  return undefined
}
