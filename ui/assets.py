"""The UI's own JavaScript: opening the source viewer from a citation, copying an answer as clean
text, and the light / dark theme (light unless the visitor chose dark)."""

from __future__ import annotations

THEME_KEY = "zhice-theme"

# Runs once when the page has loaded. Clicks are delegated from the document, so answers rendered
# later (streamed, or restored from a session) need nothing of their own.
ON_LOAD = """
() => {
  const dark = localStorage.getItem('__THEME_KEY__') === 'dark';
  document.body.classList.toggle('dark', dark);
  const setBox = (id, value) => {
    const box = document.querySelector('#' + id + ' textarea, #' + id + ' input');
    if (!box) return false;
    box.value = value;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    return true;
  };
  const cardFor = (ref) => {
    // the card with the marker's number, in the same answer
    let el = ref.parentElement;
    while (el && el !== document.body) {
      const card = el.querySelector('.zc-card[data-n="' + ref.dataset.n + '"]');
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
    if (!card || !card.dataset.doc) return;
    const req = [card.dataset.doc, card.dataset.start, card.dataset.end, card.dataset.n].join('|');
    if (setBox('zc-open-req', req)) {
      setTimeout(() => document.querySelector('#zc-open-btn')?.click(), 30);
    }
  });
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
