// The zone arithmetic lives in the shared time lib (@tutoring/shared/time, DST cases tested there); re-exported so
// that session-ledger's rules keep importing it from here.
export {
  isKnownTimeZone,
  isoWeekRange,
  localToInstant,
  minuteOfDayOf,
  toLocal,
  type LocalDateTime,
} from '@tutoring/shared/time';
