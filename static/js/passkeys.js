// Passkeys: once django-otp-webauthn's script has registered a new passkey, go where the
// page says (data-after-url on the block around the placeholder, which that script
// replaces: the page the enrolment interrupted), or reload it so the list shows the new one.
document.addEventListener("otp_webauthn.register_complete", () => {
  const block = document.querySelector(".passkey-registration[data-after-url]");
  const after = block ? block.dataset.afterUrl : "";
  if (after && after.startsWith("/") && !after.startsWith("//")) {
    window.location.assign(after);
  } else {
    window.location.reload();
  }
});
