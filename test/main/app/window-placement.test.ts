import { describe, expect, it } from 'vitest'
import { placeOnDisplays } from '../../../src/main/app/window-placement.ts'

const LAPTOP = { x: 0, y: 0, width: 1366, height: 728 }
const MONITOR = { x: 1366, y: -200, width: 2560, height: 1400 }
const MINIMUM = { width: 480, height: 360 }
const at = (x: number, y: number, width = 900, height = 700) => ({
  x,
  y,
  width,
  height,
  maximized: false,
})

describe('placeOnDisplays', () => {
  it('keeps bounds that are wholly on a display', () => {
    expect(placeOnDisplays(at(100, 20), [LAPTOP, MONITOR], MINIMUM)).toEqual({
      x: 100,
      y: 20,
      width: 900,
      height: 700,
    })
    expect(placeOnDisplays(at(2000, 0), [LAPTOP, MONITOR], MINIMUM)).toMatchObject({ x: 2000 })
  })

  it('moves a window hanging off an edge back inside the display it overlaps most', () => {
    expect(placeOnDisplays(at(1000, 500), [LAPTOP], MINIMUM)).toEqual({
      x: 466,
      y: 28,
      width: 900,
      height: 700,
    })
  })

  it('shrinks a window larger than the display, but not below the minimum', () => {
    expect(placeOnDisplays(at(0, 0, 2400, 1300), [LAPTOP], MINIMUM)).toEqual(LAPTOP)
    const tiny = { x: 0, y: 0, width: 400, height: 300 }
    expect(placeOnDisplays(at(0, 0, 2400, 1300), [tiny], MINIMUM)).toMatchObject(MINIMUM)
  })

  it('leaves the position to the OS when no display is under the saved bounds', () => {
    expect(placeOnDisplays(at(5000, 5000), [LAPTOP], MINIMUM)).toEqual({ width: 900, height: 700 })
  })
})
