// SEND Local Offer Assistant chat widget. One <script type="module" src=".../widget/send-chat.js"
// data-council="sefton" data-server="https://council.example"></script> adds it to a page.
// Vanilla ES modules, no framework, no build step. Every component is a class attached by data-module.
// Message text only reaches the page through sanitize.js (text + links). No inline scripts or styles.

import STRINGS, { t } from './strings.js'
import { renderText, safeHref } from './sanitize.js'

const DEFAULTS = Object.freeze({
  council: 'sefton',
  server: null, // null: the origin the script was loaded from
  exitUrl: 'https://www.bbc.co.uk/weather',
  maxChars: 1000,
  timeoutMs: 9000
})
const COUNCIL = /^[a-z][a-z0-9-]{1,40}$/
const STORE_PREFIX = 'sendChat:v1:'
const HELP_PREFIX = 'sendChat:help:'
const ICONS = ['warning', 'heart', 'clock', 'school', 'play', 'search', 'help']
const ICON_WORDS = [
  ['warning', /danger|emergency|\b999\b|crisis/i],
  ['clock', /\bwait|weeks|months|how long/i],
  ['play', /short break|club|play|activit|holiday/i],
  ['school', /ehcp|\bplan\b|school|assessment|review/i],
  ['heart', /sendiass|advice|support|help you/i],
  ['search', /service|found|directory/i],
  ['help', /call|phone|contact|ring/i]
]

const MODULE_URL = new URL(import.meta.url)

/** Validates the embedding page's data- attributes against the frozen defaults; bad values fall back. */
export function validateOptions (raw = {}) {
  const options = { ...DEFAULTS }
  if (typeof raw.council === 'string' && COUNCIL.test(raw.council)) options.council = raw.council
  else if (raw.council) console.warn('send-chat: data-council must be a lower-case council id; using', DEFAULTS.council)
  const server = raw.server ? safeUrl(raw.server, ['https:', 'http:']) : null
  if (raw.server && !server) console.warn('send-chat: data-server must be an http(s) address; using the script origin')
  options.server = (server || MODULE_URL.origin).replace(/\/+$/, '')
  const exitUrl = raw.exitUrl ? safeUrl(raw.exitUrl, ['https:']) : null
  if (exitUrl) options.exitUrl = exitUrl
  const maxChars = Number.parseInt(raw.maxChars, 10)
  if (maxChars >= 10 && maxChars <= 10000) options.maxChars = maxChars
  return Object.freeze(options)
}

function safeUrl (value, protocols) {
  try {
    const url = new URL(String(value), window.location.href)
    return protocols.includes(url.protocol) ? url.href : null
  } catch (_) {
    return null
  }
}

function el (tag, attrs = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue
    if (key === 'class') node.className = value
    else if (key === 'text') node.textContent = value
    else node.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child)
  return node
}

function newSenderId () {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID()
  const bytes = new Uint8Array(16)
  window.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function pick (object, ...keys) {
  for (const key of keys) if (object && object[key]) return object[key]
  return null
}

// ---- session store: sessionStorage only (never localStorage) --------------------------------------------

class SessionStore {
  constructor (council) {
    this.key = STORE_PREFIX + council
    this.helpKey = HELP_PREFIX + council
  }

  read () {
    try {
      const value = JSON.parse(window.sessionStorage.getItem(this.key) || 'null')
      if (value && value.v === 1 && Array.isArray(value.entries)) return value
    } catch (_) { /* unreadable: start afresh */ }
    return null
  }

  write (state) {
    try { window.sessionStorage.setItem(this.key, JSON.stringify(state)) } catch (_) { /* private mode: no memory */ }
  }

  readHelp () {
    try { return JSON.parse(window.sessionStorage.getItem(this.helpKey) || 'null') } catch (_) { return null }
  }

  writeHelp (card) {
    try { window.sessionStorage.setItem(this.helpKey, JSON.stringify(card)) } catch (_) { /* ignore */ }
  }

  static clearAll () {
    try {
      for (const key of Object.keys(window.sessionStorage)) {
        if (key.startsWith(STORE_PREFIX) || key.startsWith(HELP_PREFIX)) window.sessionStorage.removeItem(key)
      }
    } catch (_) { /* ignore */ }
  }
}

// ---- server client ---------------------------------------------------------------------------------------

class ChatClient {
  constructor (options) {
    this.options = options
  }

  async _post (path, body) {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs)
    try {
      const response = await fetch(this.options.server + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        signal: controller.signal
      })
      let data = null
      try { data = await response.json() } catch (_) { data = null }
      return { status: response.status, data }
    } finally {
      clearTimeout(timer)
    }
  }

  /** Resolves to {ok, messages, fallback, risk, reason}; never rejects. */
  async send (sender, message, easyRead) {
    try {
      const { status, data } = await this._post('/api/chat', {
        sender, message, metadata: { easy_read: easyRead, council: this.options.council }
      })
      const messages = data && Array.isArray(data.messages) ? data.messages : []
      if (status === 200 && messages.length) {
        return { ok: !data.fallback, messages, fallback: Boolean(data.fallback), risk: Boolean(data.risk) }
      }
      if (messages.length) return { ok: false, messages, fallback: true, risk: Boolean(data.risk), reason: 'refused' }
      return { ok: false, messages: [], fallback: true, reason: 'offline' }
    } catch (_) {
      return { ok: false, messages: [], fallback: true, reason: 'offline' }
    }
  }

  async help () {
    try {
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), 4000)
      const response = await fetch(`${this.options.server}/api/councils/${this.options.council}/help`,
        { credentials: 'omit', signal: controller.signal })
      clearTimeout(timer)
      return response.ok ? await response.json() : null
    } catch (_) {
      return null
    }
  }

  feedback (answerType, helpful) {
    return this._post('/api/feedback', { answer_type: answerType, helpful, council: this.options.council })
      .catch(() => null)
  }
}

/** The council help card in one shape: {sendiass, localOffer, safeguarding, emergency[]}. */
export function normaliseHelp (raw) {
  const entry = (value) => {
    if (!value) return null
    if (typeof value === 'string') return { name: null, url: safeHref(value), contact: value }
    const phones = Array.isArray(value.phones) ? value.phones.map((p) => (typeof p === 'string' ? p : p && p.number)) : []
    return {
      name: pick(value, 'name', 'title'),
      url: safeHref(pick(value, 'url', 'website')),
      contact: pick(value, 'contact', 'phone', 'telephone') || phones.filter(Boolean)[0] || pick(value, 'email')
    }
  }
  const emergency = (pick(raw, 'emergency', 'emergency_contacts', 'national_emergency_contacts') || [])
    .filter((c) => c && pick(c, 'number', 'phone', 'text') && pick(c, 'name', 'title'))
    .map((c) => ({
      name: String(pick(c, 'name', 'title')),
      number: String(pick(c, 'number', 'phone', 'text')),
      kind: c.kind === 'text' || (!c.number && c.text) ? 'text' : 'phone',
      description: String(pick(c, 'description', 'when') || '')
    }))
  return {
    sendiass: entry(pick(raw, 'sendiass', 'sendias', 'sendiass_entry')),
    localOffer: entry(pick(raw, 'local_offer', 'localOffer', 'local_offer_website', 'website')),
    safeguarding: pick(raw, 'safeguarding', 'safeguarding_contact'),
    emergency: emergency.length ? emergency : STRINGS.nationalContacts.map((c) => ({ ...c }))
  }
}

// ---- rendering helpers shared by the components -----------------------------------------------------------

function contactList (contacts, className = 'sc-contacts') {
  const list = el('ul', { class: className })
  for (const contact of contacts) {
    const digits = contact.number.replace(/[^0-9+]/g, '')
    const href = contact.kind === 'text' ? `sms:${digits}` : `tel:${digits}`
    const verb = contact.kind === 'text' ? STRINGS.text : STRINGS.call
    list.append(el('li', {},
      el('strong', { text: contact.name }), ' ',
      el('a', { href, class: 'sc-tel' }, `${verb} ${contact.number}`),
      contact.description ? el('span', { class: 'sc-contact-note', text: contact.description }) : null))
  }
  return list
}

function linkTo (url, text) {
  const href = safeHref(url)
  if (!href) return el('span', { text })
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text,
    el('span', { class: 'sc-visually-hidden', text: ` ${STRINGS.opensNewTab}` }))
}

function helpLinks (help) {
  const list = el('ul', { class: 'sc-helplinks' })
  const s = help.sendiass
  if (s) {
    const item = el('li', {}, el('strong', { text: `${STRINGS.sendiass}: ` }))
    item.append(s.url ? linkTo(s.url, s.name || 'SENDIASS') : el('span', { text: s.name || 'SENDIASS' }))
    if (s.contact && s.contact !== s.url) item.append(el('span', { text: ` (${s.contact})` }))
    list.append(item)
  }
  const offer = help.localOffer
  if (offer && offer.url) {
    list.append(el('li', {}, el('strong', { text: `${STRINGS.localOffer}: ` }), linkTo(offer.url, offer.name || offer.url)))
  }
  list.append(el('li', {}, el('strong', { text: STRINGS.emergencyLine })))
  return list
}

function iconFor (message) {
  const type = message.custom && message.custom.type
  if (type === 'emergency_contacts') return 'warning'
  if (type === 'help_card') return 'heart'
  if (type === 'service_cards') return 'search'
  const text = message.text || ''
  for (const [name, pattern] of ICON_WORDS) if (pattern.test(text)) return name
  return null
}

// ---- components -------------------------------------------------------------------------------------------

/** The results cards (custom payload {type: "service_cards", services: [...]}) */
class ServiceCards {
  static render (services, easyRead) {
    const list = el('ul', { class: 'sc-cards', 'aria-label': STRINGS.results })
    for (const raw of services.slice(0, 10)) {
      if (!raw || typeof raw !== 'object') continue
      const name = pick(raw, 'name', 'title') || ''
      const summary = easyRead ? pick(raw, 'easy_read', 'x_easy_read', 'summary', 'description')
        : pick(raw, 'summary', 'description')
      let contact = pick(raw, 'contact', 'contact_text')
      if (contact && typeof contact === 'object') {
        contact = [pick(contact, 'phone'), pick(contact, 'email'), pick(contact, 'url')].filter(Boolean).join(', ')
      }
      if (!contact && Array.isArray(raw.phones) && raw.phones.length) {
        contact = raw.phones.map((p) => (typeof p === 'string' ? p : p && p.number)).filter(Boolean).join(', ')
      }
      const fields = [
        [STRINGS.card.who, pick(raw, 'who_for', 'x_who_for', 'eligibility', 'eligibility_description')],
        [STRINGS.card.how, pick(raw, 'how_to_get', 'referral_text', 'application_process', 'referral')],
        [STRINGS.card.contact, contact || STRINGS.card.noContact],
        [STRINGS.card.reviewed, pick(raw, 'last_reviewed', 'x_last_reviewed')]
      ]
      const dl = el('dl', { class: 'sc-card-fields' })
      for (const [label, value] of fields) {
        if (!value) continue
        const dd = el('dd')
        dd.append(renderText(String(value), { newTabLabel: STRINGS.opensNewTab }))
        dl.append(el('dt', { text: label }), dd)
      }
      const card = el('li', { class: 'sc-card' }, el('h3', { class: 'sc-card-title', text: name }))
      if (summary) card.append(renderText(String(summary), { newTabLabel: STRINGS.opensNewTab }))
      card.append(dl)
      const url = pick(raw, 'url', 'website')
      if (safeHref(url)) card.append(el('p', {}, linkTo(url, `${STRINGS.card.more}: ${name}`)))
      list.append(card)
    }
    return list
  }
}

/** The transcript: role="log", polite, labelled by the panel heading. */
class MessageLog {
  constructor (root, widget) {
    this.root = root
    this.widget = widget
  }

  /**
   * Brings the log in line with the entries, touching only what changed, so the live region announces only new
   * or changed messages. `full` rebuilds everything silently (easy-read switch, start again, page load).
   */
  sync (entries, full = false) {
    if (full || !this.cache) this.cache = new Map()
    if (full) this.root.setAttribute('aria-live', 'off')
    const wanted = []
    entries.forEach((entry, index) => {
      const key = `${entry.rev || 0}:${index === entries.length - 1}`
      let cached = this.cache.get(entry)
      if (!cached || cached.key !== key) {
        const render = this[`_${entry.kind}`]
        cached = { key, node: render ? render.call(this, entry, index, entries) : null }
        this.cache.set(entry, cached)
      }
      if (cached.node) wanted.push(cached.node)
    })
    for (const child of [...this.root.children]) if (!wanted.includes(child)) child.remove()
    wanted.forEach((node, position) => {
      if (this.root.children[position] !== node) this.root.insertBefore(node, this.root.children[position] || null)
    })
    this.root.scrollTop = this.root.scrollHeight
    if (full) setTimeout(() => this.root.setAttribute('aria-live', 'polite'), 50)
  }

  _intro () {
    return this._bubble('bot', [renderText(t('intro', this.widget.easyRead))])
  }

  _user (entry) {
    const parts = [el('p', { text: entry.text })]
    if (entry.failed) parts.push(el('p', { class: 'sc-note', text: '(not answered yet)' }))
    return this._bubble('user', parts)
  }

  _bubble (who, parts, extraClass = '') {
    const label = who === 'user' ? STRINGS.you : STRINGS.bot
    const body = el('div', { class: 'sc-body' }, ...parts)
    return el('div', { class: `sc-msg sc-msg--${who} ${extraClass}`.trim() },
      el('p', { class: 'sc-who' }, el('span', { 'aria-hidden': 'true', text: label }),
        el('span', { class: 'sc-visually-hidden', text: who === 'user' ? STRINGS.youSaid : STRINGS.botSaid })),
      body)
  }

  _bot (entry, index) {
    const message = entry.message || {}
    const easy = this.widget.easyRead
    const parts = []
    const custom = message.custom && typeof message.custom === 'object' ? message.custom : null
    if (typeof message.text === 'string' && message.text.trim()) {
      parts.push(renderText(message.text, { newTabLabel: STRINGS.opensNewTab }))
    }
    if (custom && custom.type === 'service_cards' && Array.isArray(custom.services)) {
      parts.push(ServiceCards.render(custom.services, easy))
    } else if (custom && custom.type === 'emergency_contacts') {
      const help = normaliseHelp({ emergency: custom.contacts })
      parts.push(contactList(help.emergency, 'sc-contacts sc-contacts--urgent'))
      if (custom.safeguarding) parts.push(el('p', {}, `${STRINGS.helpSafeguarding} `, renderText(String(custom.safeguarding))))
    } else if (custom && custom.type === 'help_card' && !message.text) { // the text already links to both
      parts.push(helpLinks(normaliseHelp({ sendiass: custom.sendiass, local_offer: custom.local_offer, emergency: custom.emergency })))
    } else if (custom && typeof custom.text === 'string') {
      parts.push(renderText(custom.text, { newTabLabel: STRINGS.opensNewTab }))
    }
    if (typeof message.image === 'string' && safeHref(message.image)) parts.push(el('p', {}, linkTo(message.image, 'Open the picture')))
    if (Array.isArray(message.buttons) && message.buttons.length) parts.push(this._buttons(entry, index))
    if (!parts.length) return null
    let extra = ''
    if (easy) {
      const icon = iconFor(message)
      if (icon) {
        parts.unshift(el('img', { class: 'sc-icon', src: new URL(`icons/${icon}.svg`, MODULE_URL).href, alt: '', width: 48, height: 48 }))
        extra = 'sc-msg--icon'
      }
      if (message.text && 'speechSynthesis' in window) parts.push(this._readAloud(message.text))
    }
    if (custom && custom.type === 'emergency_contacts') extra += ' sc-msg--urgent'
    return this._bubble('bot', parts, extra)
  }

  _buttons (entry, index) {
    const group = el('div', { class: 'sc-quick', role: 'group', 'aria-label': STRINGS.suggested })
    entry.message.buttons.slice(0, 8).forEach((button, choice) => {
      const chosen = entry.chosen === choice
      const node = el('button', { type: 'button', class: 'sc-button sc-button--quick', disabled: entry.chosen !== undefined },
        chosen ? el('span', { 'aria-hidden': 'true', text: '✓ ' }) : null, String(button.title),
        chosen ? el('span', { class: 'sc-visually-hidden', text: ` (${STRINGS.chosen})` }) : null)
      node.addEventListener('click', () => this.widget.choose(index, choice))
      group.append(node)
    })
    return group
  }

  _readAloud (text) {
    const button = el('button', { type: 'button', class: 'sc-button sc-button--secondary sc-read' },
      el('img', { src: new URL('icons/speaker.svg', MODULE_URL).href, alt: '', width: 24, height: 24 }), STRINGS.readAloud)
    button.addEventListener('click', () => {
      const synth = window.speechSynthesis
      if (synth.speaking) { synth.cancel(); return }
      const utterance = new window.SpeechSynthesisUtterance(text.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1'))
      utterance.lang = 'en-GB'
      utterance.rate = 0.9
      synth.speak(utterance)
    })
    return button
  }

  _feedback (entry, index) {
    const wrap = el('div', { class: 'sc-feedback' })
    if (entry.helpful !== undefined) {
      wrap.append(el('p', { class: 'sc-note', text: STRINGS.thanks }))
      return wrap
    }
    const group = el('div', { role: 'group', 'aria-label': STRINGS.helpful, class: 'sc-feedback-buttons' },
      el('span', { class: 'sc-feedback-q', 'aria-hidden': 'true', text: STRINGS.helpful }))
    for (const [label, value] of [[STRINGS.yes, true], [STRINGS.no, false]]) {
      const button = el('button', { type: 'button', class: 'sc-button sc-button--secondary' }, label,
        el('span', { class: 'sc-visually-hidden', text: `, ${STRINGS.helpful.replace('?', '').toLowerCase()}` }))
      button.addEventListener('click', () => this.widget.rate(index, value))
      group.append(button)
    }
    wrap.append(group)
    return wrap
  }

  _error (entry, index, entries) {
    const help = normaliseHelp(entry.help || {})
    const parts = [renderText(t(entry.reason === 'slow' ? 'slow' : 'offline', this.widget.easyRead)), helpLinks(help)]
    if (index === entries.length - 1) parts.push(this._retry())
    return this._bubble('bot', parts, 'sc-msg--error')
  }

  _retryable (entry, index, entries) {
    return index === entries.length - 1 ? el('div', { class: 'sc-retry-wrap' }, this._retry()) : null
  }

  _retry () {
    const button = el('button', { type: 'button', class: 'sc-button sc-retry' }, STRINGS.retry)
    button.addEventListener('click', () => this.widget.retry())
    return button
  }
}

/** Text box and send button. Keeps what the user typed until the assistant has answered. */
class Composer {
  constructor (form, widget) {
    this.form = form
    this.widget = widget
    this.input = form.querySelector('textarea')
    this.count = form.querySelector('[data-count]')
    this.button = form.querySelector('button[type="submit"]')
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.widget.submit(this.input.value)
    })
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault()
        this.widget.submit(this.input.value)
      }
    })
    this.input.addEventListener('input', () => this.updateCount())
    this.updateCount()
  }

  updateCount () {
    const left = this.widget.options.maxChars - this.input.value.length
    this.count.textContent = left < 200 ? STRINGS.charsLeft(Math.max(left, 0)) : ''
  }

  busy (on) {
    this.button.setAttribute('aria-disabled', on ? 'true' : 'false')
    this.form.classList.toggle('sc-busy', on)
  }
}

/** "Get help now": always in the same place in the panel header; shows the emergency contacts. */
class HelpNow {
  constructor (button, region, widget) {
    this.button = button
    this.region = region
    this.widget = widget
    button.addEventListener('click', () => this.toggle())
  }

  render () {
    const help = this.widget.help
    const easy = this.widget.easyRead
    const heading = el('h3', { id: 'sc-help-title', tabindex: '-1', class: 'sc-help-title', text: STRINGS.helpTitle })
    const body = [heading, renderText(t('helpIntro', easy)), contactList(help.emergency, 'sc-contacts sc-contacts--urgent')]
    if (help.safeguarding) body.push(el('p', {}, `${STRINGS.helpSafeguarding} `, renderText(String(help.safeguarding))))
    body.push(el('p', { class: 'sc-help-local', text: STRINGS.helpLocal }), helpLinks(help))
    const close = el('button', { type: 'button', class: 'sc-button sc-button--secondary' }, 'Hide help')
    close.addEventListener('click', () => this.toggle(false))
    body.push(close)
    this.region.replaceChildren(...body)
  }

  toggle (force) {
    const show = force === undefined ? this.region.hidden : force
    if (show) this.render()
    this.region.hidden = !show
    this.button.setAttribute('aria-expanded', String(show))
    if (show) this.region.querySelector('#sc-help-title').focus()
    else this.button.focus()
  }
}

/** GOV.UK "Exit this page": a button, or Shift pressed 3 times within 5 seconds. */
class ExitThisPage {
  constructor (button, widget) {
    this.widget = widget
    this.presses = []
    button.addEventListener('click', () => this.exit())
    document.addEventListener('keyup', (event) => {
      if (event.key !== 'Shift') { this.presses = []; return }
      const now = Date.now()
      this.presses = this.presses.filter((time) => now - time < 5000).concat(now)
      if (this.presses.length >= 3) this.exit()
    }, true)
  }

  exit () {
    SessionStore.clearAll()
    if ('speechSynthesis' in window) window.speechSynthesis.cancel()
    this.widget.root.replaceChildren(el('div', { class: 'sc-exiting', role: 'status', text: STRINGS.exitActivated }))
    document.title = '…'
    window.location.replace(this.widget.options.exitUrl)
  }
}

// ---- the widget -------------------------------------------------------------------------------------------

export class SendChat {
  constructor (root, options) {
    if (root.dataset.sendChatInit) throw new Error('send-chat: already initialised')
    root.dataset.sendChatInit = 'true'
    this.root = root
    this.options = options
    this.store = new SessionStore(options.council)
    this.client = new ChatClient(options)
    const saved = this.store.read()
    this.state = saved || { v: 1, sender: newSenderId(), easyRead: false, open: false, entries: [{ kind: 'intro' }] }
    this.help = normaliseHelp(this.store.readHelp() || {})
    this.pending = false
    this._build()
    this.log.sync(this.state.entries, true)
    this._applyEasyRead()
    if (this.state.open) this.open(false)
  }

  get easyRead () { return Boolean(this.state.easyRead) }

  _build () {
    const id = (name) => `sc-${name}`
    const easy = this.easyRead
    this.launcher = el('button', { type: 'button', class: 'sc-launcher', 'aria-expanded': 'false', 'aria-controls': id('panel'), 'data-module': 'send-chat-launcher' },
      el('img', { src: new URL('icons/chat.svg', MODULE_URL).href, alt: '', width: 24, height: 24, class: 'sc-launcher-icon' }),
      el('span', { class: 'sc-launcher-text', text: STRINGS.launcherOpen }))
    const helpButton = el('button', { type: 'button', class: 'sc-button sc-help-now', 'aria-expanded': 'false', 'aria-controls': id('help') },
      el('img', { src: new URL('icons/warning.svg', MODULE_URL).href, alt: '', width: 20, height: 20 }), STRINGS.helpNow)
    const exitButton = el('button', { type: 'button', class: 'sc-button sc-exit', 'data-module': 'send-chat-exit' }, STRINGS.exit)
    const closeButton = el('button', { type: 'button', class: 'sc-button sc-button--secondary sc-close' },
      el('span', { 'aria-hidden': 'true', text: '× ' }), STRINGS.close.split(' ')[0],
      el('span', { class: 'sc-visually-hidden', text: ` ${STRINGS.close.split(' ').slice(1).join(' ')}` }))
    this.easyButton = el('button', { type: 'button', class: 'sc-button sc-button--secondary sc-easy', 'aria-pressed': String(easy) }, STRINGS.easyRead)
    const startAgain = el('button', { type: 'button', class: 'sc-button sc-button--secondary sc-restart' }, STRINGS.startAgain)
    const helpRegion = el('section', { id: id('help'), class: 'sc-help', 'aria-labelledby': 'sc-help-title', hidden: true, 'data-module': 'send-chat-help' })
    const logNode = el('div', { id: id('log'), class: 'sc-log', role: 'log', 'aria-live': 'polite', 'aria-labelledby': id('title'), tabindex: '0', 'data-module': 'send-chat-log' })
    this.status = el('p', { class: 'sc-status', role: 'status' })
    this.inputLabel = el('label', { for: id('input'), class: 'sc-label', text: t('inputLabel', easy) })
    this.inputHint = el('p', { id: id('hint'), class: 'sc-hint', text: t('inputHint', easy) })
    const form = el('form', { class: 'sc-composer', 'data-module': 'send-chat-composer', novalidate: true },
      this.inputLabel, this.inputHint,
      el('div', { class: 'sc-row' },
        el('textarea', { id: id('input'), name: 'message', rows: '2', maxlength: String(this.options.maxChars), 'aria-describedby': `${id('hint')} ${id('count')}`, autocomplete: 'off', spellcheck: 'true' }),
        el('button', { type: 'submit', class: 'sc-button sc-send' }, STRINGS.send)),
      el('p', { id: id('count'), class: 'sc-count', 'data-count': true }))
    this.panel = el('div', { id: id('panel'), class: 'sc-panel', role: 'dialog', 'aria-labelledby': id('title'), hidden: true },
      el('div', { class: 'sc-header' },
        el('div', { class: 'sc-titlebar' },
          el('h2', { id: id('title'), class: 'sc-title', tabindex: '-1', text: STRINGS.title }), closeButton),
        el('div', { class: 'sc-header-actions' }, helpButton, exitButton,
          el('p', { class: 'sc-exit-hint', text: STRINGS.exitHint }))),
      helpRegion,
      el('div', { class: 'sc-toolbar' }, this.easyButton, startAgain),
      logNode, this.status, form)
    this.root.replaceChildren(this.panel, this.launcher)

    this.log = new MessageLog(logNode, this)
    this.composer = new Composer(form, this)
    this.helpNow = new HelpNow(helpButton, helpRegion, this)
    this.exitThisPage = new ExitThisPage(exitButton, this)
    this.launcher.addEventListener('click', () => (this.isOpen ? this.close() : this.open()))
    closeButton.addEventListener('click', () => this.close())
    this.easyButton.addEventListener('click', () => this.toggleEasyRead())
    startAgain.addEventListener('click', () => this.startAgain())
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') { event.stopPropagation(); this.close() }
      if (event.key === 'Tab' && this._isFullScreen()) this._trapTab(event)
    })
  }

  get isOpen () { return !this.panel.hidden }

  _isFullScreen () { return window.matchMedia('(max-width: 40em), (max-height: 30em)').matches }

  _trapTab (event) {
    const focusable = [...this.panel.querySelectorAll('button:not([disabled]), a[href], textarea, [tabindex="0"]')]
      .filter((node) => node.offsetParent !== null)
    if (!focusable.length) return
    const first = focusable[0]
    const last = focusable[focusable.length - 1]
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus() }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus() }
  }

  open (moveFocus = true) {
    this.panel.hidden = false
    this.root.classList.add('sc--open')
    this.launcher.setAttribute('aria-expanded', 'true')
    this.launcher.querySelector('.sc-launcher-text').textContent = STRINGS.launcherClose
    this.panel.setAttribute('aria-modal', this._isFullScreen() ? 'true' : 'false')
    this._save({ open: true })
    this.log.root.scrollTop = this.log.root.scrollHeight
    if (moveFocus) this.composer.input.focus()
    this._refreshHelp()
  }

  close () {
    this.panel.hidden = true
    this.root.classList.remove('sc--open')
    this.launcher.setAttribute('aria-expanded', 'false')
    this.launcher.querySelector('.sc-launcher-text').textContent = STRINGS.launcherOpen
    this._save({ open: false })
    this.launcher.focus()
  }

  async _refreshHelp () {
    if (this._helpLoaded) return
    this._helpLoaded = true
    const raw = await this.client.help()
    if (raw) {
      this.help = normaliseHelp(raw)
      this.store.writeHelp(raw)
    }
  }

  _save (patch = {}) {
    Object.assign(this.state, patch)
    this.store.write(this.state)
  }

  _applyEasyRead () {
    const easy = this.easyRead
    this.root.classList.toggle('sc--easy', easy)
    this.easyButton.setAttribute('aria-pressed', String(easy))
    this.inputLabel.textContent = t('inputLabel', easy)
    this.inputHint.textContent = t('inputHint', easy)
  }

  toggleEasyRead () {
    this._save({ easyRead: !this.easyRead })
    this._applyEasyRead()
    this.log.sync(this.state.entries, true)
    this.status.textContent = this.easyRead ? STRINGS.easyReadOn : STRINGS.easyReadOff
  }

  startAgain () {
    if ('speechSynthesis' in window) window.speechSynthesis.cancel()
    this.state = { v: 1, sender: newSenderId(), easyRead: this.easyRead, open: true, entries: [{ kind: 'intro' }] }
    this.store.write(this.state)
    this.log.sync(this.state.entries, true)
    this.composer.input.value = ''
    this.composer.updateCount()
    this.status.textContent = STRINGS.startedAgain
    this.composer.input.focus()
  }

  _dropRetryState () {
    this.state.entries = this.state.entries.filter((e) => e.kind !== 'error' && e.kind !== 'retryable' && !(e.kind === 'user' && e.failed))
  }

  retry () {
    if (this.pending) return
    const typed = this.composer.input.value.trim()
    const last = this.lastSend
    if (last && (!typed || typed === last.shown)) this._send(last.shown, last.message, last.typed)
    else this.submit(typed)
  }

  choose (entryIndex, choice) {
    const entry = this.state.entries[entryIndex]
    if (!entry || entry.chosen !== undefined || this.pending) return
    const button = entry.message.buttons[choice]
    entry.chosen = choice
    entry.rev = (entry.rev || 0) + 1
    this._save()
    this.log.sync(this.state.entries)
    this.composer.input.focus()
    this._send(String(button.title), String(button.payload || button.title), false)
  }

  rate (entryIndex, helpful) {
    const entry = this.state.entries[entryIndex]
    if (!entry || entry.helpful !== undefined) return
    entry.helpful = helpful
    entry.rev = (entry.rev || 0) + 1
    this._save()
    this.client.feedback(entry.answerType || 'answer', helpful)
    this.log.sync(this.state.entries)
    this.status.textContent = STRINGS.thanks
    this.composer.input.focus()
  }

  submit (raw) {
    const text = String(raw || '').trim()
    if (!text || this.pending) return
    this._send(text, text, true)
  }

  async _send (shown, message, typed) {
    this.pending = true
    this.lastSend = { shown, message, typed }
    this._dropRetryState()
    this.state.entries.push({ kind: 'user', text: shown })
    this._save()
    this.log.sync(this.state.entries)
    this.composer.busy(true)
    this.status.textContent = STRINGS.typing
    this.root.classList.add('sc--typing')
    const result = await this.client.send(this.state.sender, message, this.easyRead)
    this.root.classList.remove('sc--typing')
    this.composer.busy(false)
    this.pending = false
    this.status.textContent = ''
    const userEntry = this.state.entries[this.state.entries.length - 1]
    const lastIndex = this.state.entries.length
    if (result.messages.length) {
      for (const msg of result.messages) this.state.entries.push({ kind: 'bot', message: msg })
    }
    if (result.ok) {
      if (typed) { this.composer.input.value = ''; this.composer.updateCount() }
      const custom = result.messages.map((m) => m.custom && m.custom.type).find(Boolean)
      if (!result.risk) this.state.entries.push({ kind: 'feedback', answerType: custom || 'answer' })
    } else {
      userEntry.failed = true
      userEntry.rev = (userEntry.rev || 0) + 1
      if (!typed) this.composer.input.value = this.composer.input.value || shown
      this.composer.updateCount()
      if (!result.messages.length) this.state.entries.push({ kind: 'error', reason: result.reason, help: this._helpRaw() })
      else this.state.entries.push({ kind: 'retryable' })
    }
    this._save()
    this.log.sync(this.state.entries)
    const firstNew = this.log.root.children[lastIndex]
    if (firstNew) this.log.root.scrollTop = Math.max(0, firstNew.offsetTop - 8)
  }

  _helpRaw () {
    const h = this.help
    return { sendiass: h.sendiass, local_offer: h.localOffer, safeguarding: h.safeguarding, emergency: h.emergency }
  }
}

// ---- start -------------------------------------------------------------------------------------------------

function ownScript () {
  for (const script of document.querySelectorAll('script[src]')) {
    try { if (new URL(script.src, document.baseURI).href === MODULE_URL.href) return script } catch (_) { /* skip */ }
  }
  return null
}

function loadStyles () {
  const href = new URL('send-chat.css', MODULE_URL).href
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) return
  document.head.append(el('link', { rel: 'stylesheet', href }))
}

export function start () {
  if (document.querySelector('[data-module="send-chat"][data-send-chat-init]')) return null
  const script = ownScript()
  const data = script ? script.dataset : {}
  const options = validateOptions({ council: data.council, server: data.server, exitUrl: data.exitUrl, maxChars: data.maxChars })
  loadStyles()
  const root = el('div', { class: 'sc', 'data-module': 'send-chat', lang: 'en-GB' })
  document.body.append(root)
  return new SendChat(root, options)
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true })
else start()
