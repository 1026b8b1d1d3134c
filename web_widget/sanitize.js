// The only way bot text reaches the page. Allow-list: plain text and links, nothing else.
// Markdown links [text](https://...) and bare https:// URLs become <a> elements built with DOM APIs; mailto: and
// tel: links are allowed too. Every other character, HTML included, goes in as text (textContent), never as markup.

const LINK = /\[([^\]\n]{1,200})\]\(((?:[^()\s]|\([^()\s]*\)){1,500})\)|(https:\/\/[^\s<>"'()]{1,500})/g
const SAFE_PROTOCOLS = new Set(['https:', 'mailto:', 'tel:'])
const TRAILING = /[.,;:!?]+$/

/** Returns the URL as a string when it is https, mailto or tel; otherwise null. */
export function safeHref (raw) {
  if (typeof raw !== 'string') return null
  let url
  try {
    url = new URL(raw.trim())
  } catch (_) {
    return null
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null
}

function link (doc, text, href, newTabLabel) {
  const a = doc.createElement('a')
  a.href = href
  a.textContent = text
  if (href.startsWith('https:')) {
    a.target = '_blank'
    a.rel = 'noopener noreferrer'
    if (newTabLabel) {
      const hint = doc.createElement('span')
      hint.className = 'sc-visually-hidden'
      hint.textContent = ` ${newTabLabel}`
      a.append(hint)
    }
  }
  return a
}

function appendLine (doc, parent, line, newTabLabel) {
  let last = 0
  for (const match of line.matchAll(LINK)) {
    const [whole, label, target, bare] = match
    let end = match.index + whole.length
    let node = null
    if (bare) {
      const trimmed = bare.replace(TRAILING, '')
      end = match.index + trimmed.length
      const href = safeHref(trimmed)
      if (href) node = link(doc, trimmed, href, newTabLabel)
    } else {
      const href = safeHref(target)
      node = href ? link(doc, label, href, newTabLabel) : doc.createTextNode(label)
    }
    if (!node) continue
    if (match.index > last) parent.append(doc.createTextNode(line.slice(last, match.index)))
    parent.append(node)
    last = end
  }
  if (last < line.length) parent.append(doc.createTextNode(line.slice(last)))
}

/**
 * Renders bot text into a DocumentFragment: one <p> per paragraph, <br> between lines, links as above.
 * @param {string} text
 * @param {{document?: Document, newTabLabel?: string}} [options]
 */
export function renderText (text, options = {}) {
  const doc = options.document || document
  const fragment = doc.createDocumentFragment()
  const paragraphs = String(text ?? '').replace(/\r\n?/g, '\n').split(/\n{2,}/)
  for (const paragraph of paragraphs) {
    if (!paragraph.trim()) continue
    const p = doc.createElement('p')
    paragraph.split('\n').forEach((line, index) => {
      if (index > 0) p.append(doc.createElement('br'))
      appendLine(doc, p, line, options.newTabLabel)
    })
    fragment.append(p)
  }
  return fragment
}
