// A zone that takes files two ways: dropped on it, or picked with its button (which opens the
// zone's hidden file input, so the keyboard reaches it as any button). `onFiles` gets an array.
export function dropZone(zone, { input, button, onFiles }) {
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    onFiles([...input.files]);
    input.value = ""; // the same file picked again is a new choice
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    onFiles([...event.dataTransfer.files]);
  });
}
