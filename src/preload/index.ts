// Runs in the sandboxed renderer before the page, bundled to out/preload/index.cjs.
import { contextBridge } from 'electron'
import { version } from '../../package.json'
import type { CompanionApi } from './companion-api.ts'

const api: CompanionApi = { version }

contextBridge.exposeInMainWorld('companion', api)
