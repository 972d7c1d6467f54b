// Runs in the sandboxed renderer before the page, bundled to one CommonJS file
// (out/preload/index.cjs). Exposes window.companion and nothing else.
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { buildCompanionApi } from './companion-api.ts'

contextBridge.exposeInMainWorld('companion', buildCompanionApi({ ipcRenderer, webUtils }))
