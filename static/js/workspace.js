// Keyboard navigation in the evidence workspace: ← → move between the complaint's items, [ ] between pictures.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest("input, textarea, select")) return;
  const go = (element) => { if (element) { event.preventDefault(); window.location.href = element.href; } };
  const pictures = Array.from(document.querySelectorAll("#pictures a"));
  const current = pictures.findIndex((a) => a.getAttribute("aria-current") === "true");
  if (event.key === "ArrowLeft") go(document.getElementById("previous-item"));
  else if (event.key === "ArrowRight") go(document.getElementById("next-item"));
  else if (event.key === "[" && current > 0) go(pictures[current - 1]);
  else if (event.key === "]" && current >= 0 && current + 1 < pictures.length) go(pictures[current + 1]);
});
document.documentElement.dataset.keys = "ready";  // for anything that must not press a key before this is attached
