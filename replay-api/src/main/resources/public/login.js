// The sign-in page: the problem line shows only when there is one. (A file, not inline: the pages' CSP runs no inline
// script.)
(function () {
  'use strict';
  const problem = document.getElementById('problem');
  if (!problem.textContent.trim()) { problem.hidden = true; }
})();
