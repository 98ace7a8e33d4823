/** A short message carried across a redirect (see routes/pages/flash.ts). */
export interface Flash {
  kind: "success" | "error";
  text: string;
}

export function FlashBanner({ flash }: { flash: Flash }) {
  return (
    <p class={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
      {flash.text}
    </p>
  );
}
