"""The UI's own JavaScript: opening the source viewer from a citation, copying an answer as clean
text, and the light / dark theme (light unless the visitor chose dark)."""

from __future__ import annotations

THEME_KEY = "zhice-theme"

# Runs once when the page has loaded. Clicks are delegated from the document, so answers rendered
# later (streamed, or restored from a session) need nothing of their own.
ON_LOAD = r"""
() => {
  const dark = localStorage.getItem('__THEME_KEY__') === 'dark';
  document.body.classList.toggle('dark', dark);
  // the conversations panel starts closed on a phone (it would cover the chat); its toggle speaks Chinese
  const panel = () => document.querySelector('#zc-sessions-panel');
  const settle = (tries) => {
    const p = panel(), toggle = p && p.querySelector('.toggle-button');
    if (!toggle) { if (tries > 0) setTimeout(() => settle(tries - 1), 200); return; }
    toggle.setAttribute('aria-label', '展开或收起对话记录');
    if (window.innerWidth < 700 && p.classList.contains('open')) toggle.click();
  };
  settle(25);
  const setBox = (id, value) => {
    const box = document.querySelector('#' + id + ' textarea, #' + id + ' input');
    if (!box) return false;
    box.value = value;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    return true;
  };
  // what a card or marker points at is in its classes (the chat's sanitiser drops data-* attributes):
  // zc-r<n> on a marker, zc-c<n> and zc-src_<doc>_<start>_<end> on a card
  const classValue = (el, pattern) => {
    for (const c of el.classList) { const m = c.match(pattern); if (m) return m[1]; }
    return null;
  };
  const cardFor = (ref) => {
    // the card with the marker's number, in the same answer
    const n = classValue(ref, /^zc-r(\d+)$/);
    let el = ref.parentElement;
    while (n && el && el !== document.body) {
      const card = el.querySelector('.zc-card.zc-c' + n);
      if (card) return card;
      el = el.parentElement;
    }
    return null;
  };
  const copy = async (text) => {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) {
      const area = document.createElement('textarea');
      area.value = text; document.body.appendChild(area); area.select();
      const ok = document.execCommand('copy'); area.remove(); return ok;
    }
  };
  document.addEventListener('click', async (ev) => {
    const t = ev.target;
    if (!(t instanceof Element)) return;
    const copier = t.closest('.zc-copy');
    if (copier) {
      let el = copier.parentElement, plain = null;
      while (el && !plain) { plain = el.querySelector('.zc-plain'); el = el.parentElement; }
      if (plain && await copy(plain.textContent)) {
        copier.textContent = '✅ 已复制';
        setTimeout(() => { copier.textContent = '📋 复制纯文本'; }, 2000);
      }
      return;
    }
    const ref = t.closest('.zc-ref');
    const card = ref ? cardFor(ref) : t.closest('.zc-card');
    const src = card ? classValue(card, /^zc-src_(.+)$/) : null;
    if (!src) return;
    const [doc, start, end] = src.split('_');
    // the answer's other passages of the same document are marked too
    const box = card.closest('.zc-cards');
    const others = [...(box ? box.querySelectorAll('.zc-card') : [])].filter((c) => c !== card)
      .map((c) => classValue(c, /^zc-src_(.+)$/)).filter((v) => v && v.split('_')[0] === doc)
      .map((v) => v.split('_').slice(1).join('-'));
    const req = [doc, start, end, classValue(card, /^zc-c(\d+)$/), others.join(',')].join('|');
    if (setBox('zc-open-req', req)) {
      setTimeout(() => document.querySelector('#zc-open-btn')?.click(), 30);
    }
  }, true);  // capture: the chat's own click handling must not swallow it
}
""".replace("__THEME_KEY__", THEME_KEY)

TOGGLE_THEME = """
() => {
  const dark = !document.body.classList.contains('dark');
  document.body.classList.toggle('dark', dark);
  localStorage.setItem('__THEME_KEY__', dark ? 'dark' : 'light');
}
""".replace("__THEME_KEY__", THEME_KEY)

SCROLL_TO_HIT = """
() => {
  setTimeout(() => {
    const hit = document.getElementById('zc-hit');
    if (hit) hit.scrollIntoView({block: 'center'});
  }, 150);
}
"""
