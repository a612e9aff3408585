import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsObject, ValidateNested } from 'class-validator';
import { IsOptionalNonNull } from '../../../common/validation';
import { CreateBoardDto } from '../../dto/board.dto';

/**
 * A boards file (YAML or JSON): each board is the body `POST /v1/leaderboards` accepts, checked
 * by the same DTO, so a board option added there is accepted here too.
 */
export class BoardsFileDto {
  @IsOptionalNonNull()
  @IsBoolean()
  prune?: boolean;

  @IsArray()
  @IsObject({ each: true, message: 'must be a mapping (id, title, ...)' })
  @ValidateNested({ each: true })
  @Type(() => CreateBoardDto)
  boards!: CreateBoardDto[];
}
