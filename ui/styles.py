"""The UI's stylesheet: gradio's theme variables for colours (so light and dark both stay readable),
fixed pairs for badges and checklist rows, and phone layouts (tables as one card per row)."""

# Colours come from gradio's theme variables, so the light and the dark theme both stay readable;
# the badges and rows have their own pairs for the dark theme.
CSS = """
.zc-cards { display: flex; flex-direction: column; gap: 8px; margin-top: 10px; }
.zc-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
           background: var(--background-fill-secondary); color: var(--body-text-color); cursor: pointer; }
.zc-card:hover { border-color: var(--color-accent); }
.zc-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; font-weight: 600; }
.zc-n, .zc-ref { color: var(--color-accent); font-weight: 600; }
.zc-ref { cursor: pointer; font-size: 0.85em; vertical-align: super; line-height: 0; }
.zc-badge { font-size: 12px; font-weight: 500; border-radius: 10px; padding: 1px 8px; }
.zc-official { background: #dcfce7; color: #14532d; }
.zc-summary { background: #fef3c7; color: #78350f; }
.zc-unverified { background: #e5e7eb; color: #1f2937; }
.zc-status { background: #fee2e2; color: #7f1d1d; }
.dark .zc-official { background: #14532d; color: #dcfce7; }
.dark .zc-summary { background: #78350f; color: #fef3c7; }
.dark .zc-unverified { background: #374151; color: #f3f4f6; }
.dark .zc-status { background: #7f1d1d; color: #fee2e2; }
.zc-meta { font-size: 12px; color: var(--body-text-color-subdued); margin: 2px 0 4px; }
.zc-quote { margin: 0; padding-left: 8px; border-left: 3px solid var(--border-color-primary); font-size: 13px;
            white-space: pre-wrap; color: var(--body-text-color); }
.zc-open { font-size: 12px; color: var(--color-accent); }
mark.zc-term { background: #fde68a; color: #111827; padding: 0 1px; border-radius: 2px; }
.dark mark.zc-term { background: #a16207; color: #fefce8; }
.zc-plain { display: none; }
.zc-more > summary { cursor: pointer; color: var(--color-accent); margin: 6px 0; }
.zc-table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0; }
.zc-table th, .zc-table td { border: 1px solid var(--border-color-primary); padding: 4px 6px; vertical-align: top;
                             text-align: left; color: var(--body-text-color); }
.zc-table th { background: var(--background-fill-secondary); }
.zc-table td:first-child, .zc-table th:first-child { min-width: 3em; }
#zc-viewer { position: fixed; top: 0; right: 0; width: min(720px, 100vw); height: 100vh; z-index: 1000;
             overflow-y: auto; background: var(--background-fill-primary); color: var(--body-text-color);
             box-shadow: -4px 0 16px rgba(0, 0, 0, 0.25); padding: 12px 16px; }
.zc-doc-head h3 { margin: 0 0 6px; }
.zc-doc-meta { font-size: 13px; color: var(--body-text-color-subdued); display: flex; flex-wrap: wrap; gap: 4px 12px; }
.zc-doc-meta a { color: var(--color-accent); }
.zc-doc-text { white-space: pre-wrap; font-size: 14px; line-height: 1.7; margin-top: 10px;
               color: var(--body-text-color); }
mark.zc-hit { background: #fde68a; color: #111827; outline: 2px solid #f59e0b; border-radius: 2px; }
.dark mark.zc-hit { background: #a16207; color: #fefce8; }
mark.zc-also { background: #e0f2fe; color: #0c4a6e; border-radius: 2px; }
.dark mark.zc-also { background: #0c4a6e; color: #e0f2fe; }
.zc-page > summary { cursor: pointer; color: var(--color-accent); font-size: 13px; margin-top: 6px; }
.zc-page img { max-width: 100%; border: 1px solid var(--border-color-primary); margin-top: 6px; }
.zc-elig-prog { margin: 14px 0 18px; }
.zc-elig-prog > summary { cursor: pointer; font-size: 16px; margin-bottom: 4px; }
.zc-elig-table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 6px; }
.zc-elig-table th, .zc-elig-table td { border: 1px solid var(--border-color-primary); padding: 4px 6px;
                                       vertical-align: top; text-align: left; color: var(--body-text-color); }
.zc-elig-table th { background: var(--background-fill-secondary); }
.zc-elig-table td.zc-icon { text-align: center; width: 2em; }
.zc-elig-table tr.zc-not_met td, .zc-elig-table tr.zc-not_applicable td,
.zc-elig-table tr.zc-not_eligible td { background: #fef2f2; color: #1f2937; }
.zc-elig-table tr.zc-met td, .zc-elig-table tr.zc-eligible td { background: #f0fdf4; color: #1f2937; }
.dark .zc-elig-table tr.zc-not_met td, .dark .zc-elig-table tr.zc-not_applicable td,
.dark .zc-elig-table tr.zc-not_eligible td { background: #450a0a; color: #fee2e2; }
.dark .zc-elig-table tr.zc-met td, .dark .zc-elig-table tr.zc-eligible td { background: #052e16; color: #dcfce7; }
.zc-elig-quote, .zc-elig-note { font-size: 12px; color: var(--body-text-color-subdued); }
/* drafts of indexed documents (自动提取·未审核) and reviewed programmes: marked wherever shown */
.zc-draft-mark, .zc-reviewed-mark { font-size: 12px; border-radius: 4px; padding: 0 4px; white-space: nowrap; }
.zc-draft-mark { background: #fef3c7; color: #78350f; }
.zc-reviewed-mark { background: #dcfce7; color: #14532d; }
.zc-quote-short { font-size: 12px; color: #b45309; }
#zc-theme { max-width: 130px; align-self: flex-start; }
@media (max-width: 640px) {
  /* phone: tables become one card per row, each cell labelled */
  .zc-elig-table thead, .zc-table thead { display: none; }
  .zc-elig-table, .zc-elig-table tbody, .zc-elig-table tr, .zc-elig-table td,
  .zc-table, .zc-table tbody, .zc-table tr, .zc-table td { display: block; width: 100%; box-sizing: border-box; }
  .zc-elig-table tr, .zc-table tr { border: 1px solid var(--border-color-primary); border-radius: 8px;
                                    margin-bottom: 8px; overflow: hidden; }
  .zc-elig-table td, .zc-table td { border: none; }
  .zc-elig-table td.zc-icon { width: auto; text-align: left; }
  .zc-elig-table td[data-label]::before, .zc-table td[data-label]::before {
    content: attr(data-label) "："; font-weight: 600; }
  #zc-viewer { width: 100vw; padding: 10px; }
}
"""
