// Keel's page script: navigation helpers, the command palette, then the
// page's own module. No framework, no build step.

import './palette.js';

function wireNavigation() {
  for (const select of document.querySelectorAll('[data-nav-select]')) {
    select.addEventListener('change', () => { location.href = select.value; });
  }
  for (const form of document.querySelectorAll('form[data-autosubmit]')) {
    form.addEventListener('change', () => {
      const params = new URLSearchParams(new FormData(form));
      for (const [k, v] of [...params]) if (!v) params.delete(k);
      const query = params.toString();
      location.href = location.pathname + (query ? `?${query}` : '');
    });
  }
}

wireNavigation();
if (document.querySelector('[data-board]')) import('./board.js');
if (document.querySelector('[data-task]')) import('./detail.js');
if (document.querySelector('[data-list]')) import('./list.js');
if (document.querySelector('[data-unread-badge]')) import('./notifications.js');
if (document.querySelector('[data-settings]')) import('./settings.js');
if (document.querySelector('[data-my-day]')) import('./myday.js');
if (document.querySelector('[data-cycle]')) import('./cycles.js');
if (document.querySelector('[data-inbox]')) import('./inbox.js');
if (document.querySelector('[data-feedback-import]')) import('./feedback-import.js');
if (document.querySelector('[data-features], [data-feature]')) import('./features.js');
if (document.querySelector('[data-ideas]')) import('./ideas.js');
if (document.querySelector('[data-strategy]')) import('./strategy.js');
if (document.querySelector('[data-market]')) import('./market.js');
if (document.querySelector('[data-journey]')) import('./journeys.js');
if (document.querySelector('[data-personas], [data-persona]')) import('./personas.js');
if (document.querySelector('[data-customers], [data-customer], [data-companies], [data-company]')) import('./customers.js');
if (document.querySelector('[data-goals], [data-goal-page]')) import('./goals.js');
if (document.querySelector('[data-roadmaps]')) import('./roadmaps.js');
if (document.querySelector('[data-decisions], [data-feature-decisions]')) import('./decisions.js');
if (document.querySelector('[data-releases], [data-release], [data-customer-summary]')) import('./releases.js');
if (document.querySelector('[data-prio]')) import('./prioritization.js');
if (document.querySelector('[data-tech-debt]')) import('./tech-debt.js');
if (document.querySelector('[data-stories]')) import('./stories.js');
if (document.querySelector('[data-update]')) import('./update.js');
