import type { ReactNode } from "react"

/**
 * One row of a list the customer chooses from (list picker items, time slots, form choices): a
 * real radio button or checkbox under Messages' look, a 60×60 image when there is one, the
 * checkmark circle on the right.
 */
export const ChoiceRow = ({
  name,
  multiple,
  checked,
  onChange,
  image,
  title,
  subtitle
}: {
  readonly name: string
  readonly multiple: boolean
  readonly checked: boolean
  readonly onChange: () => void
  readonly image?: string | undefined
  readonly title: ReactNode
  readonly subtitle?: ReactNode
}) => (
  <li>
    <label className={checked ? "list-item selected" : "list-item"}>
      {image !== undefined ? <img className="list-item-image" src={image} alt="" /> : null}
      <span className="list-item-text">
        <span className="list-item-title">{title}</span>
        {subtitle !== undefined ? <span className="list-item-subtitle">{subtitle}</span> : null}
      </span>
      <input
        className="choice-input"
        type={multiple ? "checkbox" : "radio"}
        name={name}
        checked={checked}
        onChange={onChange}
      />
      <span className={checked ? "check checked" : "check"} aria-hidden="true">
        {checked ? "✓" : ""}
      </span>
    </label>
  </li>
)
