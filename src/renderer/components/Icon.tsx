// Hand-drawn 24×24 stroke icons: a few shapes the app needs, no icon font or library.
const PATHS = {
  upload: 'M12 15V4M7.5 8.5 12 4l4.5 4.5M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15',
  link: 'M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1.2 1.2M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1.2-1.2',
  sliders: 'M4 7h9M17 7h3M4 17h3M11 17h9M15 5v4M9 15v4',
  cloud: 'M7 19h10.5a4.5 4.5 0 0 0 .7-8.95A6.5 6.5 0 0 0 5.7 9.1 5 5 0 0 0 7 19z',
  server: 'M4 4.5h16v6H4zM4 13.5h16v6H4zM7.5 7.5h.01M7.5 16.5h.01',
  copy: 'M9 9h10.5v10.5H9zM15 9V4.5H4.5V15H9',
  drive: 'M3.5 14h17v5.5h-17zM5 14l2.8-8.5h8.4L19 14M7 16.75h.01M10 16.75h.01',
  folder:
    'M3.5 7A1.5 1.5 0 0 1 5 5.5h4l2 2h8A1.5 1.5 0 0 1 20.5 9v9a1.5 1.5 0 0 1-1.5 1.5H5A1.5 1.5 0 0 1 3.5 18z',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  checkCircle: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM8 12.3l2.8 2.7L16 9.5',
  alert: 'M12 3.5 2.5 20h19zM12 10v4.5M12 17.3v.01',
  errorCircle: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM12 7.5V13M12 16.3v.01',
  pause: 'M9 5.5v13M15 5.5v13',
  play: 'M8 5.5v13l10.5-6.5z',
  close: 'M6.5 6.5l11 11M17.5 6.5l-11 11',
  retry: 'M19.5 12a7.5 7.5 0 1 1-2.2-5.3M19.5 4.5v4.7h-4.7',
  search: 'M10.5 4a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13zM15.5 15.5 20 20',
  clock: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM12 7.5V12l3 2',
  cancelled: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM8 12h8',
  external: 'M14 4.5h5.5V10M19.5 4.5 11 13M17.5 14v5.5h-13v-13H10',
  info: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM12 11v5.5M12 7.7v.01',
  key: 'M14.5 4a5.5 5.5 0 1 1-4.9 8L4 17.5V20h2.5v-2h2v-2h2l1.2-1.2A5.5 5.5 0 0 1 14.5 4zM16 8h.01',
  arrowUp: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM12 16.5v-9M8.5 11 12 7.5l3.5 3.5',
} as const

export type IconName = keyof typeof PATHS

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  )
}
