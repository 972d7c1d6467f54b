// Where the window reopens: its last bounds, moved and shrunk onto a display that is still there.
// A monitor unplugged since, or a resolution lowered, must not put the window off screen.
import { z } from 'zod'

export const WindowPlacement = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
})
export type WindowPlacement = z.infer<typeof WindowPlacement>

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

function overlap(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return width > 0 && height > 0 ? width * height : 0
}

/**
 * The bounds to open with, given the displays' work areas (screen minus panels and docks): on the
 * display the saved bounds overlap most, no larger than it and wholly inside it. Without any
 * overlap the saved size is kept and the position left to the OS (it centres the window).
 */
export function placeOnDisplays(
  saved: WindowPlacement,
  workAreas: readonly Rectangle[],
  minimum: { width: number; height: number },
): Partial<Rectangle> {
  let best: Rectangle | undefined
  let bestOverlap = 0
  for (const area of workAreas) {
    const shared = overlap(saved, area)
    if (shared > bestOverlap) [best, bestOverlap] = [area, shared]
  }
  const area = best ?? workAreas[0]
  if (area === undefined) return { width: saved.width, height: saved.height }
  const width = Math.max(minimum.width, Math.min(saved.width, area.width))
  const height = Math.max(minimum.height, Math.min(saved.height, area.height))
  if (best === undefined) return { width, height }
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - width)
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - height)
  return { x, y, width, height }
}
