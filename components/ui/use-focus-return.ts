"use client";
import { useEffect, useRef } from "react";

/**
 * For a form that opens in place (not a dialog): call the returned function when opening it, and when
 * `open` turns false focus goes back to what had focus then (the button that opened it), so a keyboard
 * user is not dropped at the top of the page.
 */
export function useFocusReturn(open: boolean): () => void {
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open && opener.current?.isConnected) opener.current.focus();
    wasOpen.current = open;
  }, [open]);
  return () => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  };
}
