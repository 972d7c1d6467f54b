import './zod-config.ts'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import './styles/base.css'
import './styles/layout.css'
import './styles/controls.css'
import './styles/uploads.css'
import './styles/connections.css'
import './styles/settings.css'
import './styles/overlays.css'
import './styles/backups.css'

const container = document.getElementById('root')
if (container === null) throw new Error('index.html has no #root element')

createRoot(container).render(
  <StrictMode>
    <App api={window.companion} />
  </StrictMode>,
)
