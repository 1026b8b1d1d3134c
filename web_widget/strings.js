// Every word the widget shows, in one place, with easy-read variants (`easy`). Content editors change this file only.
// Phone numbers here are public national lines; local contacts always come from the server's council help card.

const STRINGS = Object.freeze({
  launcherOpen: 'Ask a question about SEND support',
  launcherClose: 'Close the SEND chat',
  title: 'Local Offer assistant',
  intro: {
    std: 'Ask me about EHCPs, waiting times, short breaks or services near you. I am a computer, not a person. Please do not type names, phone numbers or addresses.',
    easy: 'Ask me about help for your child.\nI am a computer. I am not a person.\nDo not type names or phone numbers.'
  },
  close: 'Close chat',
  helpNow: 'Get help now',
  helpTitle: 'Get help now',
  helpIntro: {
    std: 'If you or someone else is in danger, get help straight away:',
    easy: 'Are you or someone else in danger?\nCall one of these now:'
  },
  helpSafeguarding: 'Worried about a child in your area:',
  helpLocal: 'For advice about SEND:',
  exit: 'Exit this page',
  exitHint: 'Or press Shift 3 times',
  exitActivated: 'Leaving this page',
  easyRead: 'Easy read',
  easyReadOn: 'Easy read is on',
  easyReadOff: 'Easy read is off',
  startAgain: 'Start again',
  startedAgain: 'Chat cleared. You can start again.',
  inputLabel: { std: 'Type your question', easy: 'Write your question here' },
  inputHint: {
    std: 'Press Enter to send. Shift and Enter adds a new line.',
    easy: 'Press Enter to send.'
  },
  charsLeft: (n) => `${n} characters left`,
  send: 'Send',
  retry: 'Try again',
  you: 'You',
  bot: 'Assistant',
  youSaid: 'You said:',
  botSaid: 'Assistant said:',
  typing: 'The assistant is writing an answer',
  sending: 'Sending your message',
  suggested: 'Suggested replies',
  chosen: 'You chose this',
  readAloud: 'Read aloud',
  stopReading: 'Stop reading',
  helpful: 'Was this helpful?',
  yes: 'Yes',
  no: 'No',
  thanks: 'Thank you for telling us.',
  opensNewTab: '(opens in a new tab)',
  results: 'Services',
  card: {
    who: 'Who it is for',
    how: 'How to get it',
    contact: 'Contact',
    reviewed: 'Last checked',
    more: 'More about this service',
    noContact: 'No contact details recorded. Ask SENDIASS or the Local Offer team.'
  },
  offline: {
    std: "Sorry, I can't reach the assistant right now. Your message is still in the box: press Try again in a moment. You can also get free, impartial advice from SENDIASS or look on the Local Offer website.",
    easy: "Sorry. I can't answer right now.\nYour words are still in the box.\nPress Try again soon.\nYou can also ask SENDIASS for help."
  },
  slow: {
    std: "Sorry, the assistant can't answer right now. Your message is still in the box, so you can try again.",
    easy: "Sorry. I can't answer right now.\nYour words are still in the box.\nTry again soon."
  },
  sendiass: 'SENDIASS (free, impartial advice)',
  localOffer: 'Local Offer website',
  emergencyLine: 'In an emergency call 999',
  call: 'Call',
  text: 'Text',
  // Used only when the server's help card cannot be reached at all.
  nationalContacts: Object.freeze([
    Object.freeze({ name: 'Emergency services', number: '999', kind: 'phone', description: 'If someone is in immediate danger.' }),
    Object.freeze({ name: 'NHS 111, mental health option', number: '111', kind: 'phone', description: 'Call 111 and choose the mental health option.' }),
    Object.freeze({ name: 'Childline', number: '0800 1111', kind: 'phone', description: 'For children and young people.' }),
    Object.freeze({ name: 'Samaritans', number: '116 123', kind: 'phone', description: 'Free, any time.' }),
    Object.freeze({ name: 'Shout', number: '85258', kind: 'text', description: 'Text SHOUT to 85258.' }),
    Object.freeze({ name: 'NSPCC helpline', number: '0808 800 5000', kind: 'phone', description: 'For adults worried about a child.' })
  ])
})

/** Picks the easy-read variant of a string when there is one. */
export function t (key, easyRead = false) {
  const value = STRINGS[key]
  if (value && typeof value === 'object' && 'std' in value) return easyRead ? value.easy : value.std
  return value
}

export default STRINGS
