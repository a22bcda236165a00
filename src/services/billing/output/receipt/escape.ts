/** Text as HTML (every character that could open markup or an attribute is escaped). */
export const escapeHtml = (text: string | number) => String(text).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
