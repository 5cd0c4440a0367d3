// Progressive enhancement: with JavaScript a print button appears; without it the browser's own
// print command does the same, with the same print stylesheet.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => {
    window.print();
  });
}
