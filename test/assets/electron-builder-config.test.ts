// Packaging can't run on the development machines (it downloads Electron and tools from GitHub),
// so these tests load electron-builder.yml with electron-builder's own loader and check it with
// its own schema validation, the first thing `electron-builder` does with a configuration.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { DebugLogger } from 'builder-util'
import type {
  Configuration,
  LinuxConfiguration,
  MacConfiguration,
  WindowsConfiguration,
} from 'app-builder-lib'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper.js'
import { beforeAll, describe, expect, it } from 'vitest'

const projectDir = fileURLToPath(new URL('../../', import.meta.url))
const configPath = fileURLToPath(new URL('../../electron-builder.yml', import.meta.url))

let config: Configuration
beforeAll(async () => {
  config = await getConfig(projectDir, configPath, null)
})

describe('electron-builder.yml', () => {
  it('passes electron-builder 26 schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('sets every fuse from the security checklist, with names the schema knows', async () => {
    const schemePath = new URL('../../node_modules/app-builder-lib/scheme.json', import.meta.url)
    const scheme = JSON.parse(await readFile(schemePath, 'utf8'))
    const fuseNames = Object.keys(scheme.definitions.FuseOptionsV1.properties)
    const checklist = {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    }
    expect(config.electronFuses).toEqual(checklist)
    expect(fuseNames).toEqual(expect.arrayContaining(Object.keys(checklist)))
  })

  it('packages only the build output, unpacks native modules and rebuilds them', () => {
    // getConfig normalises a plain pattern list into one file set.
    expect(config.files).toEqual([{ filter: ['out/**', 'package.json'] }])
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toEqual(['**/*.node'])
    expect(config.npmRebuild).toBe(true)
    expect(config.directories).toEqual({ output: 'release', buildResources: 'assets' })
  })

  it('writes a Linux desktop entry that handles fermentrack-backup: links', async () => {
    const linux = config.linux as LinuxConfiguration
    // The slice of a packager that desktop-entry generation reads.
    const packager = {
      appInfo: {
        productName: config.productName,
        sanitizedProductName: config.productName,
        description: 'Backs up Fermentrack',
      },
      executableName: linux.executableName,
      info: { metadata: { desktopName: config.extraMetadata.desktopName } },
      config,
      platformSpecificBuildOptions: linux,
      fileAssociations: [],
    }
    const helper = new LinuxTargetHelper(packager as never)
    const entry = await helper.computeDesktopEntry(linux)
    expect(entry).toContain('\nMimeType=x-scheme-handler/fermentrack-backup;\n')
    expect(entry).toMatch(/\nExec=".*\/fermentrack-backup-companion" %U\n/)
    expect(entry).toContain('\nCategories=Utility;\n')
    // Electron's app_id comes from desktopName; the window matches the entry only if they agree.
    expect(entry).toContain('\nStartupWMClass=fermentrack-backup-companion\n')
    expect(helper.getDesktopFileName()).toBe('fermentrack-backup-companion')
  })

  it('makes the deb the main Linux artifact and never passes --no-sandbox', () => {
    const linux = config.linux as LinuxConfiguration
    expect(linux.target).toEqual(['deb', 'AppImage'])
    expect(JSON.stringify(config)).not.toContain('no-sandbox')
  })

  it('signs and notarizes macOS builds under the hardened runtime, with the JIT entitlement', async () => {
    const mac = config.mac as MacConfiguration
    expect(mac).toMatchObject({ hardenedRuntime: true, notarize: true })
    // No identity in the file: Developer ID comes from CSC_LINK, ad-hoc from dist:mac-local.
    expect(mac.identity).toBeUndefined()
    const plist = await readFile(new URL(`../../${mac.entitlements}`, import.meta.url), 'utf8')
    expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>')
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(pkg.scripts['dist:mac-local']).toContain('-c.mac.identity=-')
  })

  it('signs only the Windows executables, leaving what the asar integrity covers as hashed', () => {
    const win = config.win as WindowsConfiguration
    expect(win.signExts ?? null).toBeNull()
    expect(config.afterSign ?? null).toBeNull()
  })
})
