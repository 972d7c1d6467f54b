// What `import 'electron'` returns under the resolve hook: one set of fakes for the process, as the
// real module is one set. Tests that start the shell themselves still pass their own fakes in;
// this instance serves code that imports `electron` directly (electron-store, the built main).
import os from 'node:os'
import path from 'node:path'
import { fakeElectron } from '../../main/app/fake-electron.ts'

// Electron sets this on `process` before the app's code runs; the packaged app finds its
// extraResources (the tray icons) there.
if (process.env.FAKE_ELECTRON_RESOURCES) {
  Object.assign(process, { resourcesPath: process.env.FAKE_ELECTRON_RESOURCES })
}

export const fake = fakeElectron({
  appData: process.env.FAKE_ELECTRON_APP_DATA ?? path.join(os.tmpdir(), 'fake-electron-appData'),
  readyOnRequest: process.env.FAKE_ELECTRON_READY === 'on-request',
})
const modules = fake.modules

export const {
  app,
  BrowserWindow,
  Menu,
  Tray,
  Notification,
  nativeImage,
  clipboard,
  dialog,
  ipcMain,
  net,
  protocol,
  screen,
  shell,
} = modules
export default modules
